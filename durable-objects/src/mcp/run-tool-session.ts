import type { FunctionTool } from "@openai/agents";
import type { Database } from "@switchboard/db/client";
import type { StreamEventDraft } from "@switchboard/protocol";
import { McpConnections } from "./connections.ts";
import { openCredentialFields, storeCredentialFields } from "./credential-fields.ts";
import { credentialSecrets } from "./oauth-credential.ts";
import { type OutboundEnv, outboundFetch } from "./outbound-fetch.ts";
import { buildRunTools } from "./run-tools.ts";
import type { McpServerSpec, ServerToolGrant } from "./server-spec.ts";
import { fetchToolList, storeToolList, toCachedTool } from "./tool-cache.ts";
import { DEFAULT_TOOL_LIMITS, type ToolLimits } from "./tool-limits.ts";
import { type RunAuditContext, writeToolCall } from "./tool-records.ts";

export interface ToolSessionEnv extends OutboundEnv {
  CREDENTIALS_KEYS: string;
  WORKSPACE_HOST_URL?: string | undefined;
  WORKSPACE_HOST_SECRET?: string | undefined;
}

export interface ToolSessionInput {
  db: Database;
  env: ToolSessionEnv;
  conversationId: string;
  runId: string;
  agentId: string;
  userId: string;
  grants: readonly ServerToolGrant[];
  audit: RunAuditContext;
  emit(draft: StreamEventDraft): void;
  signal?: AbortSignal | undefined;
  limits?: ToolLimits;
}

/**
 * Everything MCP for one run: the agent's tools (from cached lists), the connections they open on first
 * use, credentials opened only then, and the call records. `close()` ends connections and waits for the
 * records to land.
 */
export class RunToolSession {
  readonly #secrets: string[] = [];
  readonly #pending: Promise<void>[] = [];
  readonly #connections: McpConnections;

  constructor(private readonly input: ToolSessionInput) {
    const { env, db } = input;
    const guardedFetch = outboundFetch(env);
    const workspaceHost =
      env.WORKSPACE_HOST_URL && env.WORKSPACE_HOST_SECRET
        ? { url: env.WORKSPACE_HOST_URL, secret: env.WORKSPACE_HOST_SECRET }
        : undefined;
    this.#connections = new McpConnections((spec) => ({
      userId: input.userId,
      db,
      guardedFetch,
      workspaceHost,
      credentialFields: () => this.#openCredential(spec),
      saveCredentialFields: (fields) => this.#saveCredential(spec, fields),
      onToolsChanged: (tools) =>
        this.#track(storeToolList(db, spec.id, tools.map(toCachedTool)).then(() => undefined)),
    }));
  }

  /** The agent's tools; contacts only servers that were never listed. */
  tools(): Promise<FunctionTool[]> {
    const { input } = this;
    return buildRunTools({
      grants: input.grants,
      listTools: async (server) => {
        const list = await fetchToolList(await this.#connections.get(server));
        await storeToolList(input.db, server.id, list);
        return list;
      },
      invoker: {
        runId: input.runId,
        agentId: input.agentId,
        connections: this.#connections,
        limits: input.limits ?? DEFAULT_TOOL_LIMITS,
        emit: input.emit,
        signal: input.signal,
        knownSecrets: () => this.#secrets,
        record: (call) =>
          this.#track(
            writeToolCall(
              input.db,
              {
                conversationId: input.conversationId,
                runId: input.runId,
                agentId: input.agentId,
                audit: input.audit,
              },
              call,
            ),
          ),
      },
    });
  }

  get openConnections(): number {
    return this.#connections.openCount;
  }

  async close(): Promise<void> {
    await this.#connections.closeAll();
    await Promise.allSettled(this.#pending);
  }

  #track(work: Promise<void>): void {
    this.#pending.push(work.catch((error) => console.error("tool bookkeeping failed", { error })));
  }

  async #openCredential(spec: McpServerSpec): Promise<Record<string, string>> {
    const fields = await openCredentialFields(
      this.input.db,
      this.input.env.CREDENTIALS_KEYS,
      spec.credentialId,
    );
    this.#secrets.push(...credentialSecrets(fields));
    return fields;
  }

  /** Keeps fields a connection changed (refreshed OAuth tokens), and masks the new values too. */
  async #saveCredential(spec: McpServerSpec, fields: Record<string, string>): Promise<void> {
    if (!spec.credentialId) return;
    this.#secrets.push(...credentialSecrets(fields));
    await storeCredentialFields(this.input.db, this.input.env.CREDENTIALS_KEYS, spec.credentialId, fields);
  }
}
