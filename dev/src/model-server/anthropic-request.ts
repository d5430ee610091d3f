import { z } from "zod";
import {
  contentText,
  estimateTokens,
  isRecord,
  lastUserTextOf,
  type PromptView,
  stepIndexOf,
  type TurnMessage,
  toolResultsOf,
} from "./prompt-view.ts";

// Only what the server reads; everything else a client sends (tools, max_tokens, …) passes unchecked.
export const MessagesRequest = z.looseObject({
  model: z.string().min(1),
  system: z.union([z.string(), z.array(z.unknown())]).nullish(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })),
  stream: z.boolean().nullish(),
  tools: z.array(z.looseObject({ name: z.string().optional() })).nullish(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

export function anthropicPromptView(request: MessagesRequest, bodyChars: number): PromptView {
  const turns = request.messages.map(toTurn);
  return {
    model: request.model,
    system: contentText(request.system ?? ""),
    lastUserText: lastUserTextOf(turns),
    stepIndex: stepIndexOf(turns),
    inputTokens: estimateTokens(bodyChars),
    offeredTools: (request.tools ?? []).flatMap((tool) => (tool.name ? [tool.name] : [])),
    toolResults: toolResultsOf(turns),
  };
}

/** Anthropic sends tool results as `user` messages; only ones with something else in them are the user's. */
function toTurn(message: { role: string; content: unknown }): TurnMessage {
  const text = contentText(message.content) || toolResultText(message.content);
  if (message.role === "assistant") return { role: "assistant", text };
  if (message.role !== "user") return { role: "other", text };
  const onlyToolResults =
    Array.isArray(message.content) &&
    message.content.length > 0 &&
    message.content.every((block: unknown) => isRecord(block) && block.type === "tool_result");
  return { role: onlyToolResults ? "tool" : "user", text };
}

/** The text inside `tool_result` blocks (a string, or text parts). */
function toolResultText(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((block: unknown) =>
      isRecord(block) && block.type === "tool_result" ? contentText(block.content) : "",
    )
    .filter((text) => text.length > 0)
    .join("\n");
}
