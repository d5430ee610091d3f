import { anthropicPromptView, MessagesRequest } from "./anthropic-request.ts";
import type { ProtocolAdapter } from "./completion-handler.ts";
import { providerId } from "./ids.ts";
import type { FinishReason, ReplyUsage, StreamEncoder } from "./reply-runner.ts";
import type { LoggedToolCall } from "./response-log.ts";
import { splitArguments } from "./tokenize.ts";

/** Anthropic messages (`POST /v1/messages`), streaming and not. */
export const anthropicProtocol: ProtocolAdapter = {
  protocol: "anthropic",

  parse(body, bodyChars) {
    const result = MessagesRequest.safeParse(body);
    if (!result.success) return { ok: false, message: `Invalid request: ${result.error.issues[0]?.message}` };
    return {
      ok: true,
      view: anthropicPromptView(result.data, bodyChars),
      stream: result.data.stream === true,
      // Anthropic always reports usage.
      includeUsage: true,
    };
  },

  errorBody(status, message, type) {
    return { type: "error", error: { type: type ?? anthropicErrorType(status), message } };
  },

  messageId: () => providerId("msg_"),
  toolCallId: () => providerId("toolu_"),

  encoder: ({ id, view }) => new AnthropicStreamEncoder(id, view.model, view.inputTokens),

  completionBody({ id, view, reply }) {
    const content: unknown[] = [];
    if (reply.text.length > 0 || reply.toolCalls.length === 0)
      content.push({ type: "text", text: reply.text });
    for (const call of reply.toolCalls) {
      content.push({ type: "tool_use", id: call.id, name: call.name, input: parseInput(call.arguments) });
    }
    return {
      id,
      type: "message",
      role: "assistant",
      model: view.model,
      content,
      stop_reason: stopReason(reply.finishReason),
      stop_sequence: null,
      usage: { input_tokens: reply.usage.inputTokens, output_tokens: reply.usage.outputTokens },
    };
  },
};

class AnthropicStreamEncoder implements StreamEncoder {
  readonly #id: string;
  readonly #model: string;
  readonly #inputTokens: number;
  /** Index of the next content block; text (if any) is block 0, tool calls follow. */
  #blocks = 0;

  constructor(id: string, model: string, inputTokens: number) {
    this.#id = id;
    this.#model = model;
    this.#inputTokens = inputTokens;
  }

  start(): string {
    const message = {
      id: this.#id,
      type: "message",
      role: "assistant",
      model: this.#model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: this.#inputTokens, output_tokens: 1 },
    };
    // Anthropic interleaves pings; sending one up front makes clients prove they ignore them.
    return event("message_start", { message }) + event("ping", {});
  }

  textStart(): string {
    return event("content_block_start", { index: this.#blocks, content_block: { type: "text", text: "" } });
  }

  textDelta(token: string): string {
    return event("content_block_delta", { index: this.#blocks, delta: { type: "text_delta", text: token } });
  }

  textEnd(): string {
    return event("content_block_stop", { index: this.#blocks++ });
  }

  toolCall(call: LoggedToolCall): string[] {
    const index = this.#blocks++;
    return [
      event("content_block_start", {
        index,
        content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
      }),
      event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: "" } }),
      ...splitArguments(call.arguments).map((piece) =>
        event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } }),
      ),
      event("content_block_stop", { index }),
    ];
  }

  finish(reason: FinishReason, usage: ReplyUsage): string {
    return (
      event("message_delta", {
        delta: { stop_reason: stopReason(reason), stop_sequence: null },
        usage: { output_tokens: usage.outputTokens },
      }) + event("message_stop", {})
    );
  }
}

function event(type: string, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
}

function stopReason(reason: FinishReason): string {
  return reason === "tool_calls" ? "tool_use" : "end_turn";
}

/** The non-streaming shape carries parsed input; scripted malformed JSON is passed on as the raw string. */
function parseInput(args: string): unknown {
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function anthropicErrorType(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}
