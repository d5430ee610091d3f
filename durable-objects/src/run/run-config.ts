import type { Provider } from "@switchboard/protocol";
import type { ServerToolGrant } from "../mcp/server-spec.ts";
import type { RunAuditContext } from "../mcp/tool-records.ts";
import type { ProviderSecret } from "./model-factory.ts";

/**
 * Everything a run needs about the agent, resolved by the API worker for the authenticated user. The
 * secret is decrypted by the worker for this run only and lives in memory for the run's duration.
 */
export interface RunConfig {
  agent: { id: string; name: string; instructions: string };
  model: { provider: Provider; name: string; secret?: ProviderSecret | undefined };
  /** MCP servers the agent may use, with their cached tool lists; credentials stay sealed until a call. */
  tools?: ServerToolGrant[] | undefined;
  /** Where the run's tool calls are audited. */
  audit?: RunAuditContext | undefined;
}

export interface StartRunInput {
  /** Chosen by the worker, which holds the user's run slot under it; generated here when absent. */
  runId?: string;
  userId: string;
  content: string;
  config: RunConfig;
}

export type StartRunResult =
  | { ok: true; runId: string; messageId: string; seq: number }
  | { ok: false; code: "run_in_progress" | "not_found"; message: string };
