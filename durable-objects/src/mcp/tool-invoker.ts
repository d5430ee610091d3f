import type { StreamEventDraft } from "@switchboard/protocol";
import { ToolErrorCode } from "@switchboard/protocol";
import type { McpConnections } from "./connections.ts";
import { resultText } from "./result-text.ts";
import { maskSecrets, maskSecretText } from "./secret-masking.ts";
import type { McpServerSpec } from "./server-spec.ts";
import { classifyErrorResult, classifyToolError, type ToolFailure, toolErrorResult } from "./tool-errors.ts";
import { type ToolLimits, truncateResult } from "./tool-limits.ts";

/** One finished call, as stored in `tool_calls` and summarised in the audit log. */
export interface ToolCallOutcome {
  callId: string;
  serverId: string;
  serverName: string;
  tool: string;
  arguments: unknown;
  result: string;
  isError: boolean;
  errorCode: string | null;
  durationMs: number;
  startedAt: Date;
}

export interface ToolInvokerDeps {
  runId: string;
  agentId: string;
  connections: McpConnections;
  limits: ToolLimits;
  emit(draft: StreamEventDraft): void;
  /** Persists the call (tool_calls row + audit entry); must not throw. */
  record(outcome: ToolCallOutcome): void;
  /** Credential values opened so far in this run, masked wherever they would show. */
  knownSecrets(): readonly string[];
  signal?: AbortSignal | undefined;
}

export interface ToolCallRequest {
  callId: string;
  server: McpServerSpec;
  /** The tool's name on its server. */
  tool: string;
  /** The name the model called. */
  modelName: string;
  args: unknown;
  /** Policy: whether this agent was granted the tool. */
  allowed: boolean;
}

/**
 * Calls one MCP tool under the platform's policy: the grant is checked first, the call has a timeout,
 * a transport failure is retried once after a backoff, the result is size-capped, and every call is
 * streamed, recorded and audited with secrets masked. It never throws: failures become a structured
 * result the model can read and act on.
 */
export async function invokeTool(deps: ToolInvokerDeps, request: ToolCallRequest): Promise<string> {
  const startedAt = new Date();
  const maskedArgs = maskSecrets(request.args, deps.knownSecrets());
  deps.emit({
    type: "tool.call",
    runId: deps.runId,
    agentId: deps.agentId,
    callId: request.callId,
    name: request.modelName,
    arguments: JSON.stringify(maskedArgs ?? {}),
    serverId: request.server.id,
    tool: request.tool,
  });
  let text: string;
  let failure: Pick<ToolFailure, "code" | "message"> | undefined;
  if (!request.allowed) {
    failure = { code: ToolErrorCode.notAllowed, message: `This agent may not use ${request.modelName}.` };
    text = toolErrorResult(request.modelName, failure);
  } else {
    const outcome = await callWithRetry(deps, request);
    text = outcome.text;
    failure = outcome.failure;
  }
  const secrets = deps.knownSecrets();
  const { text: output } = truncateResult(maskSecretText(text, secrets), deps.limits.maxResultChars);
  const durationMs = Date.now() - startedAt.getTime();
  deps.emit({
    type: "tool.result",
    runId: deps.runId,
    agentId: deps.agentId,
    callId: request.callId,
    output,
    isError: failure !== undefined,
    ...(failure ? { errorCode: failure.code } : {}),
    durationMs,
  });
  deps.record({
    callId: request.callId,
    serverId: request.server.id,
    serverName: request.server.name,
    tool: request.tool,
    arguments: maskedArgs,
    result: output,
    isError: failure !== undefined,
    errorCode: failure?.code ?? null,
    durationMs,
    startedAt,
  });
  return output;
}

async function callWithRetry(
  deps: ToolInvokerDeps,
  request: ToolCallRequest,
): Promise<{ text: string; failure?: Pick<ToolFailure, "code" | "message"> }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const client = await deps.connections.get(request.server);
      const result = await client.callTool(
        { name: request.tool, arguments: (request.args ?? {}) as Record<string, unknown> },
        undefined,
        { timeout: deps.limits.timeoutMs, signal: deps.signal },
      );
      const text = resultText(result as Parameters<typeof resultText>[0]);
      if (result.isError) {
        const failure = classifyErrorResult(text);
        return { text: toolErrorResult(request.modelName, failure), failure };
      }
      return { text };
    } catch (error) {
      deps.signal?.throwIfAborted();
      const failure = classifyToolError(error);
      if (failure.transient && attempt === 0) {
        await deps.connections.reset(request.server.id);
        await sleep(deps.limits.retryBackoffMs * (1 + Math.random()));
        continue;
      }
      if (failure.transient) await deps.connections.reset(request.server.id);
      return { text: toolErrorResult(request.modelName, failure), failure };
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
