import type { RunningStack } from "@switchboard/dev/stack";
import type { ToolCallRecord } from "@switchboard/protocol";
import type { ApiClient } from "../api-client.ts";
import { sleep } from "../limits.ts";
import type { EverythingServer } from "./everything-server.ts";
import type { McpApi } from "./mcp-api.ts";
import { RunWatcher } from "./run-watcher.ts";

/** What the scenarios against the running stack share: one signed-in user and the reference server. */
export interface StackContext {
  stack: RunningStack;
  api: ApiClient;
  mcp: McpApi;
  server: EverythingServer;
  /** The reference server connected once as a custom URL server, its tool list cached. */
  everythingId: string;
  log: (line: string) => void;
  watch(conversationId: string): Promise<RunWatcher>;
  /** The run's recorded calls; they land just after `run.completed`, so this waits (bounded) for them. */
  readToolCalls(conversationId: string, runId: string, expected: number): Promise<ToolCallRecord[]>;
}

export function stackContext(
  fields: Omit<StackContext, "watch" | "readToolCalls" | "everythingId"> & { everythingId: string },
): StackContext {
  return {
    ...fields,
    watch: (conversationId) => RunWatcher.open(fields.api, conversationId),
    async readToolCalls(conversationId, runId, expected) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const calls = await fields.mcp.toolCalls(conversationId, runId);
        if (calls.length >= expected) return calls;
        if (Date.now() > deadline)
          throw new Error(`run ${runId}: ${calls.length} tool calls recorded, expected ${expected}`);
        await sleep(20);
      }
    },
  };
}
