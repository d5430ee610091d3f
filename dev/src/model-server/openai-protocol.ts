import type { ProtocolAdapter } from "./completion-handler.ts";
import { providerId } from "./ids.ts";
import { ChatCompletionRequest, openaiPromptView } from "./openai-request.ts";
import type { FinishReason, ReplyUsage, StreamEncoder } from "./reply-runner.ts";
import type { LoggedToolCall } from "./response-log.ts";
import { splitArguments } from "./tokenize.ts";

/** OpenAI chat completions (`POST /v1/chat/completions`), streaming and not. */
export const openaiProtocol: ProtocolAdapter = {
  protocol: "openai",

  parse(body, bodyChars) {
    const result = ChatCompletionRequest.safeParse(body);
    if (!result.success) return { ok: false, message: `Invalid request: ${result.error.issues[0]?.message}` };
    return {
      ok: true,
      view: openaiPromptView(result.data, bodyChars),
      stream: result.data.stream === true,
      includeUsage: result.data.stream_options?.include_usage === true,
    };
  },

  errorBody(status, message, type) {
    return {
      error: { message, type: type ?? openaiErrorType(status), param: null, code: openaiErrorCode(status) },
    };
  },

  messageId: () => providerId("chatcmpl-", 29),
  toolCallId: () => providerId("call_"),

  encoder: ({ id, view, hasText, includeUsage }) =>
    new OpenAIStreamEncoder(id, view.model, hasText, includeUsage),

  completionBody({ id, view, reply }) {
    return {
      id,
      object: "chat.completion",
      created: nowSeconds(),
      model: view.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: reply.text.length > 0 || reply.toolCalls.length === 0 ? reply.text : null,
            refusal: null,
            ...(reply.toolCalls.length > 0
              ? {
                  tool_calls: reply.toolCalls.map((call) => ({
                    id: call.id,
                    type: "function",
                    function: { name: call.name, arguments: call.arguments },
                  })),
                }
              : {}),
          },
          logprobs: null,
          finish_reason: reply.finishReason,
        },
      ],
      usage: usageBody(reply.usage),
    };
  },
};

class OpenAIStreamEncoder implements StreamEncoder {
  readonly #id: string;
  readonly #model: string;
  readonly #created = nowSeconds();
  readonly #hasText: boolean;
  readonly #includeUsage: boolean;

  constructor(id: string, model: string, hasText: boolean, includeUsage: boolean) {
    this.#id = id;
    this.#model = model;
    this.#hasText = hasText;
    this.#includeUsage = includeUsage;
  }

  start(): string {
    // Like OpenAI: an empty string announces text, null announces a reply of tool calls only.
    return this.#chunk({ role: "assistant", content: this.#hasText ? "" : null, refusal: null });
  }

  textStart(): string {
    return "";
  }

  textDelta(token: string): string {
    return this.#chunk({ content: token });
  }

  textEnd(): string {
    return "";
  }

  toolCall(call: LoggedToolCall, index: number): string[] {
    // The first delta names the call; the arguments follow in small pieces, as OpenAI streams them.
    const head = this.#chunk({
      tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
    });
    const pieces = splitArguments(call.arguments).map((piece) =>
      this.#chunk({ tool_calls: [{ index, function: { arguments: piece } }] }),
    );
    return [head, ...pieces];
  }

  finish(reason: FinishReason, usage: ReplyUsage): string {
    let frames = this.#chunk({}, reason);
    if (this.#includeUsage) frames += this.#frame({ choices: [], usage: usageBody(usage) });
    return `${frames}data: [DONE]\n\n`;
  }

  #chunk(delta: Record<string, unknown>, finishReason: FinishReason | null = null): string {
    return this.#frame({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  }

  #frame(fields: Record<string, unknown>): string {
    const chunk = {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.#created,
      model: this.#model,
      ...fields,
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}

function usageBody(usage: ReplyUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function openaiErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function openaiErrorCode(status: number): string | null {
  if (status === 401) return "invalid_api_key";
  if (status === 429) return "rate_limit_exceeded";
  return null;
}
