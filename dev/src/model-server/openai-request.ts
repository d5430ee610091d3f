import { z } from "zod";
import {
  contentText,
  estimateTokens,
  lastUserTextOf,
  type PromptView,
  stepIndexOf,
  type TurnMessage,
  toolResultsOf,
} from "./prompt-view.ts";

// Only what the server reads; everything else a client sends (tools, temperature, …) passes unchecked.
export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown().optional() })),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z.array(z.looseObject({ function: z.looseObject({ name: z.string() }).optional() })).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export function openaiPromptView(request: ChatCompletionRequest, bodyChars: number): PromptView {
  const turns: TurnMessage[] = request.messages.map((message) => ({
    role: turnRole(message.role),
    text: contentText(message.content),
  }));
  const system = request.messages
    .filter((message) => message.role === "system" || message.role === "developer")
    .map((message) => contentText(message.content))
    .join("\n\n");
  return {
    model: request.model,
    system,
    lastUserText: lastUserTextOf(turns),
    stepIndex: stepIndexOf(turns),
    inputTokens: estimateTokens(bodyChars),
    offeredTools: (request.tools ?? []).flatMap((tool) => (tool.function ? [tool.function.name] : [])),
    toolResults: toolResultsOf(turns),
  };
}

function turnRole(role: string): TurnMessage["role"] {
  if (role === "user" || role === "assistant") return role;
  if (role === "tool" || role === "function") return "tool";
  return "other";
}
