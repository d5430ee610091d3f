import {
  type Agent,
  type AgentToolGrant,
  CreateAgentBody,
  type Credential,
  type McpServer,
  type Provider,
  type Team,
} from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import type { ModelInfo } from "../api/api-client.ts";
import { useAccess } from "../auth/access-context.tsx";
import { DemoBadge } from "../components/demo-badge.tsx";
import { Field } from "../components/field.tsx";
import { Notice } from "../components/notice.tsx";
import { roleLabel } from "../lib/access.ts";
import { defaultModelName, modelSuggestions, providerLabel, usesCredential } from "../lib/providers.ts";
import { grantsToSave, usableServers } from "../lib/tool-grants.ts";
import type { Resource } from "../lib/use-resource.ts";
import { AgentToolsField } from "../tools/agent-tools-field.tsx";
import "./agent-form.css";

type FieldErrors = Partial<Record<"name" | "instructions" | "model", string>>;

/**
 * What the form saves. `tools` is left out when the MCP servers could not be loaded: the user saw no
 * picker, so an edit must not replace the agent's tools with an empty list.
 */
export type AgentFormBody = Omit<CreateAgentBody, "tools"> & { tools?: AgentToolGrant[] };

/** Create or edit an agent. The provider decides which credentials are offered and what model to prefill. */
export function AgentForm({
  agent,
  models,
  credentials,
  teams,
  servers,
  submitLabel,
  onSubmit,
}: {
  agent?: Agent;
  models: ModelInfo;
  credentials: Credential[];
  /** Teams the user may share a new agent with (where they are admin, team lead or member). */
  teams: Team[];
  /** Every MCP server the user can see; the form offers those this agent may use. */
  servers: Pick<Resource<McpServer[]>, "data" | "loading" | "error" | "reload">;
  submitLabel: string;
  onSubmit: (body: AgentFormBody) => Promise<void>;
}) {
  const { teams: allTeams } = useAccess();
  const providers: Provider[] =
    agent && !models.providers.includes(agent.model.provider)
      ? [...models.providers, agent.model.provider]
      : models.providers;
  const initialProvider =
    agent?.model.provider ?? (providers.includes("demo") ? "demo" : (providers[0] ?? "demo"));
  const [name, setName] = useState(agent?.name ?? "");
  const [instructions, setInstructions] = useState(agent?.instructions ?? "");
  const [provider, setProvider] = useState<Provider>(initialProvider);
  const [modelName, setModelName] = useState(agent?.model.name ?? defaultModelName[initialProvider]);
  const [credentialId, setCredentialId] = useState(agent?.model.credentialId ?? "");
  const [teamId, setTeamId] = useState(agent?.teamId ?? "");
  const [tools, setTools] = useState<AgentToolGrant[]>(agent?.tools ?? []);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const matching = credentials.filter((c) => c.provider === provider);
  // A team agent draws tools from its team's servers only; the team is the one chosen (new) or kept (edit).
  const usable = servers.data
    ? usableServers(servers.data, allTeams, agent ? agent.teamId : teamId || null)
    : undefined;
  const toolsToSave = usable ? grantsToSave(tools, usable) : undefined;

  function changeProvider(next: Provider) {
    // Keep a model name the user typed; replace one we prefilled for the previous provider.
    if (modelName.trim() === "" || modelName === defaultModelName[provider])
      setModelName(defaultModelName[next]);
    if (!credentials.some((c) => c.id === credentialId && c.provider === next)) setCredentialId("");
    setProvider(next);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parsed = CreateAgentBody.safeParse({
      // The owner is chosen once, at creation; edits never send it.
      ...(!agent && teamId ? { teamId } : {}),
      name,
      instructions,
      model: {
        provider,
        name: modelName,
        ...(usesCredential(provider) && credentialId ? { credentialId } : {}),
      },
      ...(toolsToSave ? { tools: toolsToSave } : {}),
    });
    if (!parsed.success) {
      const next: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if (key === "name") next.name ??= "Give the agent a name (up to 100 characters).";
        if (key === "instructions") next.instructions ??= "Instructions can be at most 32,000 characters.";
        if (key === "model") next.model ??= "Enter the model name, e.g. gpt-4o-mini.";
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const { tools: parsedTools, ...rest } = parsed.data;
      await onSubmit(toolsToSave ? { ...rest, tools: parsedTools } : rest);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not save the agent.");
      setBusy(false);
    }
  }

  const demoFallback = models.demo && usesCredential(provider) && !credentialId;

  return (
    <form className="card agent-form" onSubmit={submit} noValidate>
      <Field id="agent-name" label="Name" error={errors.name}>
        {(control) => (
          <input
            {...control}
            className="input"
            value={name}
            maxLength={100}
            placeholder="Research assistant"
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>

      <Field
        id="agent-owner"
        label="Share with"
        hint={
          agent
            ? "Who shares an agent is set when it is created."
            : teamId
              ? "The team's members and leads can chat with it and change it; its viewers can read it."
              : teams.length === 0
                ? "Only you can see and use it. Join a team to share agents."
                : "Only you can see and use it."
        }
      >
        {(control) => (
          <select
            {...control}
            className="select"
            value={teamId}
            disabled={agent !== undefined}
            onChange={(e) => setTeamId(e.target.value)}
          >
            <option value="">Only me</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name} ({roleLabel(team.role).toLowerCase()})
              </option>
            ))}
            {teamId && !teams.some((t) => t.id === teamId) && <option value={teamId}>A team</option>}
          </select>
        )}
      </Field>

      <Field
        id="agent-instructions"
        label="Instructions"
        hint="The system prompt: who the agent is, how it should answer, what it must not do."
        error={errors.instructions}
      >
        {(control) => (
          <textarea
            {...control}
            className="textarea"
            rows={7}
            value={instructions}
            placeholder="You are a concise research assistant. Cite your sources."
            onChange={(e) => setInstructions(e.target.value)}
          />
        )}
      </Field>

      <div className="agent-form-row">
        <Field id="agent-provider" label="Provider">
          {(control) => (
            <select
              {...control}
              className="select"
              value={provider}
              onChange={(e) => changeProvider(e.target.value as Provider)}
            >
              {providers.map((p) => (
                <option key={p} value={p}>
                  {providerLabel(p)}
                </option>
              ))}
            </select>
          )}
        </Field>

        <Field id="agent-model" label="Model" hint="The model's name at the provider." error={errors.model}>
          {(control) => (
            <>
              <input
                {...control}
                className="input"
                list="agent-model-suggestions"
                value={modelName}
                autoComplete="off"
                spellCheck={false}
                placeholder={provider === "openai-compatible" ? "llama3.1:8b" : "gpt-4o-mini"}
                onChange={(e) => setModelName(e.target.value)}
              />
              <datalist id="agent-model-suggestions">
                {modelSuggestions[provider].map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>

      {provider === "demo" ? (
        <Notice tone="warning">
          <span className="agent-form-demo">
            <DemoBadge /> The demo model is scripted: it streams canned replies and tool calls so you can try
            Switchboard without an API key. It does not understand your messages.
          </span>
        </Notice>
      ) : (
        <Field
          id="agent-credential"
          label="Credential"
          hint={
            matching.length === 0 ? (
              <>
                No {providerLabel(provider)} credentials yet.{" "}
                <Link to="/credentials">Add a provider key</Link>.
              </>
            ) : (
              "The stored key this agent uses to call the provider."
            )
          }
        >
          {(control) => (
            <select
              {...control}
              className="select"
              value={credentialId}
              onChange={(e) => setCredentialId(e.target.value)}
            >
              <option value="">{models.demo ? "None (use the demo model)" : "None"}</option>
              {matching.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}

      {demoFallback && (
        <Notice>Without a credential this agent runs on the built-in scripted demo model.</Notice>
      )}

      <AgentToolsField
        servers={usable}
        loading={servers.loading}
        error={servers.error}
        onRetry={servers.reload}
        grants={tools}
        staleGrants={toolsToSave ? tools.length - toolsToSave.length : 0}
        onChange={setTools}
      />

      {error && <Notice tone="danger">{error}</Notice>}

      <div className="agent-form-actions">
        <Link to="/agents" className="btn btn-secondary">
          Cancel
        </Link>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
