import type { ServerResponse } from "node:http";
import { sleep } from "./pacing.ts";
import type { PromptView } from "./prompt-view.ts";
import { planReply } from "./reply-plan.ts";
import {
  type CollectedReply,
  collectReply,
  type StreamEncoder,
  settle,
  streamReply,
} from "./reply-runner.ts";
import type { Protocol, ResponseLog } from "./response-log.ts";
import { ResponseSink } from "./response-sink.ts";
import type { ScriptStore } from "./script-store.ts";

/** Server-wide state the completion endpoints share. */
export interface ModelContext {
  scripts: ScriptStore;
  log: ResponseLog;
  /** Default pace of text tokens; 0 or Infinity = unpaced. */
  tokensPerSecond: number;
}

export type ParsedRequest =
  | { ok: true; view: PromptView; stream: boolean; includeUsage: boolean }
  | { ok: false; message: string };

/** What differs between provider wire protocols; the flow around it is the same for all of them. */
export interface ProtocolAdapter {
  protocol: Protocol;
  parse(body: unknown, bodyChars: number): ParsedRequest;
  errorBody(status: number, message: string, type?: string): unknown;
  messageId(): string;
  toolCallId(): string;
  encoder(init: { id: string; view: PromptView; hasText: boolean; includeUsage: boolean }): StreamEncoder;
  completionBody(init: { id: string; view: PromptView; reply: CollectedReply }): unknown;
}

/** Answers one chat request: plan from the scripts, then stream or return the reply in the provider's shape. */
export async function handleCompletion(
  adapter: ProtocolAdapter,
  rawBody: string,
  res: ServerResponse,
  context: ModelContext,
): Promise<void> {
  const sink = new ResponseSink(res);
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    sink.json(400, adapter.errorBody(400, "The request body is not valid JSON."));
    return;
  }
  const parsed = adapter.parse(body, rawBody.length);
  if (!parsed.ok) {
    sink.json(400, adapter.errorBody(400, parsed.message));
    return;
  }

  const { view, stream, includeUsage } = parsed;
  const plan = planReply(view, context.scripts);
  const id = adapter.messageId();
  const entry = context.log.begin({
    id,
    protocol: adapter.protocol,
    model: view.model,
    scriptId: plan.scriptId,
    stepIndex: view.stepIndex,
    stream,
    offeredTools: view.offeredTools,
    toolResults: view.toolResults,
  });

  if (plan.kind === "error") {
    await sleep(plan.delayMs, sink.signal);
    entry.error = { status: plan.status, message: plan.message };
    sink.json(plan.status, adapter.errorBody(plan.status, plan.message, plan.type));
    settle(entry, sink);
    return;
  }

  const options = {
    content: plan,
    sink,
    entry,
    serverRate: context.tokensPerSecond,
    inputTokens: view.inputTokens,
    toolCallId: () => adapter.toolCallId(),
  };
  if (stream) {
    const encoder = adapter.encoder({ id, view, hasText: plan.text.length > 0, includeUsage });
    await streamReply(options, encoder);
    return;
  }
  const reply = await collectReply(options);
  if (reply) sink.json(200, adapter.completionBody({ id, view, reply }));
  settle(entry, sink);
}
