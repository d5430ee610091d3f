import type { Message, StreamEvent, ToolCallRecord } from "@switchboard/protocol";

/** Builders for stream events and messages, so tests read as the conversation they describe. */
export const RUN = "run-1";
export const AGENT = "agent-1";
const at = 1_700_000_000_000;

export const userMessage = (seq: number, messageId: string, content: string): StreamEvent => ({
  type: "message.created",
  seq,
  at,
  messageId,
  role: "user",
  content,
});

export const runStarted = (seq: number, runId = RUN): StreamEvent => ({
  type: "run.started",
  seq,
  at,
  runId,
  agentId: AGENT,
});

export const token = (seq: number, messageId: string, text: string, runId = RUN): StreamEvent => ({
  type: "token",
  seq,
  at,
  runId,
  agentId: AGENT,
  messageId,
  text,
});

export const completed = (seq: number, messageId: string, content: string, runId = RUN): StreamEvent => ({
  type: "message.completed",
  seq,
  at,
  runId,
  agentId: AGENT,
  messageId,
  role: "assistant",
  content,
});

export const runCompleted = (seq: number, runId = RUN): StreamEvent => ({
  type: "run.completed",
  seq,
  at,
  runId,
});

export const runFailed = (seq: number, code: string, message: string, runId = RUN): StreamEvent => ({
  type: "run.failed",
  seq,
  at,
  runId,
  code,
  message,
});

export const toolCall = (
  seq: number,
  callId: string,
  name: string,
  args: string,
  runId = RUN,
): StreamEvent => ({
  type: "tool.call",
  seq,
  at,
  runId,
  agentId: AGENT,
  callId,
  name,
  arguments: args,
});

export const toolResult = (
  seq: number,
  callId: string,
  output: string,
  isError = false,
  runId = RUN,
): StreamEvent => ({
  type: "tool.result",
  seq,
  at,
  runId,
  agentId: AGENT,
  callId,
  output,
  isError,
});

export const storedMessage = (
  seq: number,
  id: string,
  role: "user" | "assistant",
  content: string,
): Message => ({
  id,
  role,
  content,
  seq,
  createdAt: new Date(at).toISOString(),
  ...(role === "assistant" ? { agentId: AGENT, runId: RUN } : {}),
});

export const SERVER = "11111111-1111-4111-8111-111111111111";

/** A call of an MCP tool: the model sees `memory__<tool>`, the event also names the server and tool. */
export const mcpToolCall = (
  seq: number,
  callId: string,
  tool: string,
  args: string,
  runId = RUN,
): StreamEvent => ({
  type: "tool.call",
  seq,
  at,
  runId,
  agentId: AGENT,
  callId,
  name: `memory__${tool}`,
  arguments: args,
  serverId: SERVER,
  tool,
});

export const mcpToolResult = (
  seq: number,
  callId: string,
  output: string,
  extra: { isError?: boolean; errorCode?: string; durationMs?: number } = {},
  runId = RUN,
): StreamEvent => ({
  type: "tool.result",
  seq,
  at,
  runId,
  agentId: AGENT,
  callId,
  output,
  isError: extra.isError ?? false,
  ...(extra.errorCode ? { errorCode: extra.errorCode } : {}),
  ...(extra.durationMs !== undefined ? { durationMs: extra.durationMs } : {}),
});

/** A row of `GET /conversations/:id/tool-calls`. */
export const toolCallRecord = (callId: string, overrides: Partial<ToolCallRecord> = {}): ToolCallRecord => ({
  callId,
  runId: RUN,
  agentId: AGENT,
  serverId: SERVER,
  serverName: "Memory",
  tool: "read_graph",
  arguments: {},
  result: '{"entities":[]}',
  isError: false,
  errorCode: null,
  durationMs: 12,
  startedAt: new Date(at).toISOString(),
  ...overrides,
});
