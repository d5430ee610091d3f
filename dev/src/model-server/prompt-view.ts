/**
 * The provider-neutral facts about a request that decide the reply: who asks (model, system prompt),
 * what the user last said, and how far into the current turn the conversation is.
 */
export interface PromptView {
  model: string;
  system: string;
  lastUserText: string;
  /** Index of the script step that answers this request. */
  stepIndex: number;
  /** Rough input size for usage reporting (about four characters per token). */
  inputTokens: number;
  /** Names of the tools the request offered the model (so tests can see what an agent was given). */
  offeredTools: string[];
  /** Tool results sent since the last user message, as text (so tests can see what the model read). */
  toolResults: string[];
}

/** One message reduced to what turn counting needs. */
export interface TurnMessage {
  /** `user` only for messages a person wrote; tool results count as `tool` whatever their wire role. */
  role: "user" | "assistant" | "tool" | "other";
  text: string;
}

/**
 * Step index = the number of model responses after the last user message. Consecutive assistant
 * messages are one response: the Agents SDK splits a reply with text and tool calls into two assistant
 * messages, and counting them twice would skip a step.
 */
export function stepIndexOf(messages: readonly TurnMessage[]): number {
  let lastUser = -1;
  messages.forEach((message, i) => {
    if (message.role === "user") lastUser = i;
  });
  let responses = 0;
  for (let i = lastUser + 1; i < messages.length; i++) {
    if (messages[i]?.role === "assistant" && messages[i - 1]?.role !== "assistant") responses++;
  }
  return responses;
}

/** Texts of the tool results after the last user message. */
export function toolResultsOf(messages: readonly TurnMessage[]): string[] {
  let lastUser = -1;
  messages.forEach((message, i) => {
    if (message.role === "user") lastUser = i;
  });
  return messages.slice(lastUser + 1).flatMap((m) => (m.role === "tool" ? [m.text] : []));
}

export function lastUserTextOf(messages: readonly TurnMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return message.text;
  }
  return "";
}

export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Text of OpenAI- or Anthropic-style content: a string, or an array of parts of which text parts count. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) =>
      isRecord(part) && (part.type === "text" || part.type === "input_text") && typeof part.text === "string"
        ? part.text
        : "",
    )
    .filter((text) => text.length > 0)
    .join("\n");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
