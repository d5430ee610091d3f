import { z } from "zod";

/**
 * Every event of a conversation's stream. `seq` is per conversation, strictly increasing and gap-free:
 * a client that has seen seq N resumes with `after=N` and receives exactly the events with seq > N.
 */
const base = {
  seq: z.number().int().positive().describe("Per-conversation sequence number, strictly increasing"),
  at: z.number().describe("Milliseconds since the Unix epoch when the event was produced"),
};
const inRun = { ...base, runId: z.string().describe("The run this event belongs to") };

export const MessageCreatedEvent = z.object({
  ...base,
  type: z.literal("message.created"),
  messageId: z.string(),
  role: z.literal("user"),
  content: z.string(),
  authorId: z.string().optional(),
});

export const RunStartedEvent = z.object({ ...inRun, type: z.literal("run.started"), agentId: z.string() });

export const TokenEvent = z.object({
  ...inRun,
  type: z.literal("token"),
  agentId: z.string(),
  messageId: z.string().describe("The assistant message these tokens build"),
  text: z.string(),
});

export const ToolCallEvent = z.object({
  ...inRun,
  type: z.literal("tool.call"),
  agentId: z.string(),
  callId: z.string(),
  name: z.string().describe("The tool's name as the model sees it"),
  arguments: z.string().describe("The arguments as the model sent them (JSON text), secrets masked"),
  serverId: z.string().optional().describe("The MCP server the tool belongs to"),
  tool: z.string().optional().describe("The tool's name on its MCP server"),
});

export const ToolResultEvent = z.object({
  ...inRun,
  type: z.literal("tool.result"),
  agentId: z.string(),
  callId: z.string(),
  output: z.string(),
  isError: z.boolean(),
  errorCode: z.string().optional().describe("Tool-layer error code when isError (see ToolErrorCode)"),
  durationMs: z.number().int().optional(),
});

export const MessageCompletedEvent = z.object({
  ...inRun,
  type: z.literal("message.completed"),
  agentId: z.string(),
  messageId: z.string(),
  role: z.literal("assistant"),
  content: z.string(),
});

export const RunCompletedEvent = z.object({ ...inRun, type: z.literal("run.completed") });

export const RunFailedEvent = z.object({
  ...inRun,
  type: z.literal("run.failed"),
  code: z.string(),
  message: z.string(),
});

export const StreamEvent = z.discriminatedUnion("type", [
  MessageCreatedEvent,
  RunStartedEvent,
  TokenEvent,
  ToolCallEvent,
  ToolResultEvent,
  MessageCompletedEvent,
  RunCompletedEvent,
  RunFailedEvent,
]);
export type StreamEvent = z.infer<typeof StreamEvent>;
export type StreamEventType = StreamEvent["type"];
export type StreamEventOf<T extends StreamEventType> = Extract<StreamEvent, { type: T }>;

/** An event before the Durable Object stamps it with `seq` and `at`. */
export type StreamEventDraft = StreamEvent extends infer E
  ? E extends StreamEvent
    ? Omit<E, "seq" | "at">
    : never
  : never;
