import { CreateCredentialBody, type Credential, type Provider } from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";
import { Field } from "../components/field.tsx";
import { Notice } from "../components/notice.tsx";
import { providerLabel } from "../lib/providers.ts";

type KeyProvider = Exclude<Provider, "demo">;
type FieldErrors = Partial<Record<"name" | "apiKey" | "baseUrl", string>>;

const keyProviders: KeyProvider[] = ["openai", "anthropic", "openrouter", "openai-compatible"];

/** Adds a provider key. The key goes to the server once and is never shown again, so the field is cleared. */
export function CredentialForm({
  providers,
  onCreated,
}: {
  providers: Provider[];
  onCreated: (c: Credential) => void;
}) {
  const api = useApi();
  const offered = keyProviders.filter((p) => providers.length === 0 || providers.includes(p));
  const [name, setName] = useState("");
  const [provider, setProvider] = useState<KeyProvider>(offered[0] ?? "openai");
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsBaseUrl = provider === "openai-compatible";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parsed = CreateCredentialBody.safeParse({
      name: name.trim() || providerLabel(provider),
      provider,
      secret: { apiKey, ...(needsBaseUrl && baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}) },
    });
    const next: FieldErrors = {};
    if (needsBaseUrl && !baseUrl.trim()) next.baseUrl = "Enter the endpoint's base URL.";
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [first, second] = issue.path;
        if (first === "name") next.name ??= "Use at most 100 characters.";
        if (first === "secret" && second === "apiKey") next.apiKey ??= "Paste the API key.";
        if (first === "secret" && second === "baseUrl")
          next.baseUrl ??= "Enter an http(s) URL, e.g. http://localhost:4000/v1.";
      }
    }
    setErrors(next);
    if (!parsed.success || Object.keys(next).length > 0) return;
    setBusy(true);
    try {
      const created = await api.createCredential(parsed.data);
      setName("");
      setApiKey("");
      setBaseUrl("");
      onCreated(created);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card credential-form" onSubmit={submit} noValidate>
      <h2>Add a provider key</h2>
      <div className="credential-form-grid">
        <Field id="credential-provider" label="Provider">
          {(control) => (
            <select
              {...control}
              className="select"
              value={provider}
              onChange={(e) => setProvider(e.target.value as KeyProvider)}
            >
              {offered.map((p) => (
                <option key={p} value={p}>
                  {providerLabel(p)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="credential-name"
          label="Name"
          hint="How you will recognise it, e.g. “Team OpenAI”."
          error={errors.name}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              value={name}
              maxLength={100}
              placeholder={providerLabel(provider)}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
      </div>
      {needsBaseUrl && (
        <Field
          id="credential-base-url"
          label="Base URL"
          hint="LiteLLM proxy, vLLM, Ollama or any OpenAI-compatible endpoint"
          error={errors.baseUrl}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="url"
              inputMode="url"
              spellCheck={false}
              autoComplete="off"
              placeholder="http://localhost:4000/v1"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
            />
          )}
        </Field>
      )}
      <Field
        id="credential-api-key"
        label="API key"
        hint="Stored encrypted. It is never shown again, not even to you."
        error={errors.apiKey}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
          />
        )}
      </Field>
      {error && <Notice tone="danger">{error}</Notice>}
      <div className="credential-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : "Add credential"}
        </button>
      </div>
    </form>
  );
}
