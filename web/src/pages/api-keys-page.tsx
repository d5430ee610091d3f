import { type ApiKey, type ApiKeyScope, CreateApiKeyBody, type CreatedApiKey } from "@switchboard/protocol";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { Field } from "../components/field.tsx";
import { CheckIcon, CodeIcon, CopyIcon, TrashIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import {
  apiKeyScopes,
  apiKeyStatus,
  type ExpiryPreset,
  expiresAtFor,
  expiryPresets,
  scopeDescriptions,
  scopeLabels,
  sortApiKeys,
} from "../lib/api-keys.ts";
import { formatDate, formatRelative } from "../lib/format.ts";
import { useResource } from "../lib/use-resource.ts";
import "../chat/new-chat-dialog.css";
import "./api-keys-page.css";

/** `/api-keys`: keys for scripts and integrations. A new key is shown once, in a dialog. */
export function ApiKeysPage() {
  const api = useApi();
  const keys = useResource("api-keys", (signal) => api.apiKeys(signal));
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function revoke(key: ApiKey) {
    setRevokeError(null);
    try {
      await api.revokeApiKey(key.id);
      const revokedAt = new Date().toISOString();
      keys.mutate((list) => list.map((k) => (k.id === key.id ? { ...k, revokedAt } : k)));
    } catch (error) {
      setRevokeError(errorMessage(error));
    }
  }

  return (
    <div className="page">
      <title>API keys · Switchboard</title>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let scripts and integrations call the Switchboard API as you, limited to the scopes you pick.
            Send one as <code>Authorization: Bearer &lt;key&gt;</code>.
          </>
        }
      />
      {keys.error && <LoadError message={keys.error} onRetry={keys.reload} />}
      {keys.loading && !keys.data && <LoadingBlock label="Loading API keys" />}
      {keys.data && (
        <div className="api-keys-layout">
          <section aria-labelledby="api-keys-list-title" className="api-keys-section">
            <h2 id="api-keys-list-title" className="visually-hidden">
              Your API keys
            </h2>
            {revokeError && <Notice tone="danger">{revokeError}</Notice>}
            {keys.data.length === 0 ? (
              <div className="card">
                <EmptyState icon={<CodeIcon />} title="No API keys yet">
                  Create a key to use Switchboard from scripts, CI or other tools.
                </EmptyState>
              </div>
            ) : (
              <ul className="card api-key-list">
                {sortApiKeys(keys.data).map((key) => (
                  <ApiKeyRow key={key.id} apiKey={key} onRevoke={() => revoke(key)} />
                ))}
              </ul>
            )}
          </section>
          <CreateKeyForm
            onCreated={(key) => {
              const { key: _secret, ...listed } = key;
              keys.mutate((list) => [listed, ...list]);
              setCreated(key);
            }}
          />
        </div>
      )}
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
    </div>
  );
}

function ApiKeyRow({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: () => Promise<void> }) {
  const status = apiKeyStatus(apiKey);
  return (
    <li className="api-key-row" data-testid="api-key-row" data-status={status} data-key-id={apiKey.id}>
      <span className="api-key-icon" aria-hidden="true">
        <CodeIcon />
      </span>
      <span className="api-key-text">
        <span className="api-key-name">
          {apiKey.name}
          {status === "revoked" && <span className="badge badge-danger">Revoked</span>}
          {status === "expired" && <span className="badge">Expired</span>}
        </span>
        <span className="api-key-meta">
          <code className="api-key-prefix">{apiKey.prefix}…</code>
          <span className="api-key-scopes">
            {apiKey.scopes.map((scope) => (
              <span key={scope} className="badge">
                {scopeLabels[scope]}
              </span>
            ))}
          </span>
        </span>
        <span className="api-key-meta">
          Created {formatDate(apiKey.createdAt)} ·{" "}
          {apiKey.lastUsedAt ? `last used ${formatRelative(apiKey.lastUsedAt)}` : "never used"} ·{" "}
          {status === "revoked" && apiKey.revokedAt
            ? `revoked ${formatDate(apiKey.revokedAt)}`
            : apiKey.expiresAt
              ? `${status === "expired" ? "expired" : "expires"} ${formatDate(apiKey.expiresAt)}`
              : "never expires"}
        </span>
      </span>
      {status !== "revoked" && (
        <ConfirmAction
          label={`Revoke ${apiKey.name}`}
          text="Revoke"
          icon={<TrashIcon />}
          confirmText="Confirm revoke"
          busyText="Revoking…"
          onConfirm={onRevoke}
        />
      )}
    </li>
  );
}

type FieldErrors = Partial<Record<"name" | "scopes" | "date", string>>;

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const api = useApi();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["read"]);
  const [preset, setPreset] = useState<ExpiryPreset>("90");
  const [date, setDate] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function toggle(scope: ApiKeyScope, on: boolean) {
    setScopes((current) =>
      on
        ? apiKeyScopes.filter((s) => s === scope || current.includes(s))
        : current.filter((s) => s !== scope),
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const next: FieldErrors = {};
    const expiry = expiresAtFor(preset, date);
    if ("error" in expiry) next.date = expiry.error;
    const parsed = CreateApiKeyBody.safeParse({
      name,
      scopes,
      ...("expiresAt" in expiry && expiry.expiresAt ? { expiresAt: expiry.expiresAt } : {}),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === "name") next.name ??= "Name the key (up to 100 characters), e.g. “CI deploys”.";
        if (issue.path[0] === "scopes") next.scopes ??= "Pick at least one scope.";
      }
    }
    setErrors(next);
    if (!parsed.success || Object.keys(next).length > 0) return;
    setBusy(true);
    try {
      const key = await api.createApiKey(parsed.data);
      setName("");
      onCreated(key);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card api-key-form" onSubmit={submit} noValidate>
      <h2>Create an API key</h2>
      <div className="api-key-form-grid">
        <Field
          id="api-key-name"
          label="Name"
          hint="What uses the key, so you know which to revoke."
          error={errors.name}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              value={name}
              maxLength={100}
              autoComplete="off"
              placeholder="CI deploys"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field id="api-key-expiry" label="Expires">
          {(control) => (
            <select
              {...control}
              className="select"
              value={preset}
              onChange={(e) => setPreset(e.target.value as ExpiryPreset)}
            >
              {expiryPresets.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {preset === "date" && (
        <Field
          id="api-key-expiry-date"
          label="Expiry date"
          hint="The key stops working at the end of this day."
          error={errors.date}
        >
          {(control) => (
            <input
              {...control}
              className="input api-key-date"
              type="date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
            />
          )}
        </Field>
      )}
      <fieldset className="field" aria-describedby={errors.scopes ? "api-key-scopes-error" : undefined}>
        <legend className="field-label">Scopes</legend>
        <div className="api-key-scope-grid">
          {apiKeyScopes.map((scope) => (
            <div key={scope} className="check">
              <input
                id={`api-key-scope-${scope}`}
                type="checkbox"
                checked={scopes.includes(scope)}
                aria-describedby={`api-key-scope-${scope}-hint`}
                onChange={(e) => toggle(scope, e.target.checked)}
              />
              <span className="check-text">
                <label className="check-label" htmlFor={`api-key-scope-${scope}`}>
                  {scopeLabels[scope]}
                </label>
                <span className="field-hint" id={`api-key-scope-${scope}-hint`}>
                  {scopeDescriptions[scope]}
                </span>
              </span>
            </div>
          ))}
        </div>
        {errors.scopes && (
          <p className="field-error" id="api-key-scopes-error">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      {error && <Notice tone="danger">{error}</Notice>}
      <div className="api-key-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </button>
      </div>
    </form>
  );
}

/** Shows a just-created key once: read-only, selectable, with a Copy button. */
function NewKeyDialog({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (created && !element.open) {
      setCopied(null);
      element.showModal();
      field.current?.select();
    } else if (!created && element.open) {
      element.close();
    }
  }, [created]);

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied("yes");
    } catch {
      // No clipboard permission (or an insecure origin): select the text so Ctrl/Cmd+C works.
      field.current?.select();
      setCopied("failed");
    }
  }

  return (
    <dialog ref={dialog} className="dialog api-key-dialog" aria-labelledby="new-key-title" onClose={onClose}>
      <div className="dialog-body">
        <h2 id="new-key-title">Your new API key</h2>
        <Notice tone="warning">
          <strong>You won't see this key again.</strong> Copy it now and keep it somewhere safe, such as a
          password manager or your CI's secret store.
        </Notice>
        <div className="field">
          <label className="field-label" htmlFor="new-api-key">
            Key for “{created?.name}”
          </label>
          <div className="api-key-secret-row">
            <input
              ref={field}
              id="new-api-key"
              className="input api-key-secret"
              data-testid="api-key-secret"
              readOnly
              spellCheck={false}
              autoComplete="off"
              value={created?.key ?? ""}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" className="btn btn-secondary" onClick={copy}>
              {copied === "yes" ? <CheckIcon /> : <CopyIcon />}
              Copy
            </button>
          </div>
          <p className="field-hint" aria-live="polite">
            {copied === "yes"
              ? "Copied to the clipboard."
              : copied === "failed"
                ? "Could not copy automatically: the key is selected, press Ctrl+C (⌘C on a Mac)."
                : " "}
          </p>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </dialog>
  );
}
