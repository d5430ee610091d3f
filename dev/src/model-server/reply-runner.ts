import { effectiveRate, sleep, TokenSchedule } from "./pacing.ts";
import { estimateTokens } from "./prompt-view.ts";
import type { PlannedToolCall } from "./reply-plan.ts";
import type { LogEntry, LoggedToolCall } from "./response-log.ts";
import type { ResponseSink } from "./response-sink.ts";
import { tokenize } from "./tokenize.ts";

export interface ReplyContent {
  text: string;
  toolCalls: PlannedToolCall[];
  tokensPerSecond?: number | undefined;
  delayMs: number;
}

export interface ReplyUsage {
  inputTokens: number;
  outputTokens: number;
}

export type FinishReason = "stop" | "tool_calls";

/** Turns reply events into one protocol's wire frames (already SSE-formatted). */
export interface StreamEncoder {
  start(): string;
  textStart(): string;
  textDelta(token: string): string;
  textEnd(): string;
  /** All frames of one tool call; `index` counts tool calls only. */
  toolCall(call: LoggedToolCall, index: number): string[];
  finish(reason: FinishReason, usage: ReplyUsage): string;
}

export interface RunOptions {
  content: ReplyContent;
  sink: ResponseSink;
  entry: LogEntry;
  serverRate: number;
  inputTokens: number;
  /** Gives a tool call without a scripted id its provider-style id. */
  toolCallId: () => string;
}

/** Streams a reply, pacing text tokens; stops as soon as the client disconnects. */
export async function streamReply(options: RunOptions, encoder: StreamEncoder): Promise<void> {
  const { content, sink, entry } = options;
  sink.startEventStream();
  sink.write(encoder.start());
  await sleep(content.delayMs, sink.signal);

  const tokens = tokenize(content.text);
  if (tokens.length > 0 && !sink.aborted) {
    sink.write(encoder.textStart());
    const schedule = new TokenSchedule(effectiveRate(content.tokensPerSecond, options.serverRate));
    for (const [i, token] of tokens.entries()) {
      await schedule.waitFor(i, sink.signal);
      if (sink.aborted) break;
      sink.write(encoder.textDelta(token));
      entry.tokenTimes.push(Date.now());
      entry.text += token;
      await sink.ready();
    }
    sink.write(encoder.textEnd());
  }

  for (const [i, planned] of content.toolCalls.entries()) {
    if (sink.aborted) break;
    const call = resolveToolCall(planned, options.toolCallId);
    for (const frame of encoder.toolCall(call, i)) sink.write(frame);
    entry.toolCalls.push(call);
    await sink.ready();
  }

  sink.write(encoder.finish(finishReason(content), usageOf(entry, options.inputTokens)));
  sink.end();
  settle(entry, sink);
}

export interface CollectedReply {
  text: string;
  toolCalls: LoggedToolCall[];
  finishReason: FinishReason;
  usage: ReplyUsage;
}

/**
 * For non-streaming requests: waits as long as streaming would have taken (so latency stays realistic),
 * then returns the whole reply, or undefined when the client left meanwhile.
 */
export async function collectReply(options: RunOptions): Promise<CollectedReply | undefined> {
  const { content, sink, entry } = options;
  await sleep(content.delayMs, sink.signal);
  const tokens = tokenize(content.text);
  if (tokens.length > 0) {
    const schedule = new TokenSchedule(effectiveRate(content.tokensPerSecond, options.serverRate));
    await schedule.waitFor(tokens.length - 1, sink.signal);
  }
  if (sink.aborted) return undefined;
  const now = Date.now();
  entry.text = content.text;
  entry.tokenTimes = tokens.map(() => now);
  entry.toolCalls = content.toolCalls.map((call) => resolveToolCall(call, options.toolCallId));
  return {
    text: entry.text,
    toolCalls: entry.toolCalls,
    finishReason: finishReason(content),
    usage: usageOf(entry, options.inputTokens),
  };
}

/** Marks a log entry done; after `collectReply`, the caller does this once the body was sent. */
export function settle(entry: LogEntry, sink: ResponseSink): void {
  entry.aborted = sink.aborted;
  entry.finishedAt = Date.now();
}

function resolveToolCall(call: PlannedToolCall, makeId: () => string): LoggedToolCall {
  return { id: call.id ?? makeId(), name: call.name, arguments: call.arguments };
}

function finishReason(content: ReplyContent): FinishReason {
  return content.toolCalls.length > 0 ? "tool_calls" : "stop";
}

function usageOf(entry: LogEntry, inputTokens: number): ReplyUsage {
  const toolTokens = entry.toolCalls.reduce(
    (sum, call) => sum + estimateTokens(call.name.length + call.arguments.length),
    0,
  );
  return { inputTokens, outputTokens: entry.tokenTimes.length + toolTokens };
}
