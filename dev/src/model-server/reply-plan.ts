import { demoReply } from "./demo-reply.ts";
import type { PromptView } from "./prompt-view.ts";
import type { Step } from "./script-schema.ts";
import type { ScriptStore } from "./script-store.ts";

export interface PlannedToolCall {
  /** Provider-style id; the protocol makes one up when the script gives none. */
  id?: string | undefined;
  name: string;
  /** Exactly what goes on the wire. */
  arguments: string;
}

export type ReplyPlan =
  | {
      kind: "reply";
      scriptId?: string | undefined;
      text: string;
      toolCalls: PlannedToolCall[];
      tokensPerSecond?: number | undefined;
      delayMs: number;
    }
  | {
      kind: "error";
      scriptId?: string | undefined;
      status: number;
      message: string;
      type?: string | undefined;
      delayMs: number;
    };

// What a script says once the conversation has gone past its last step (and that step was not text).
const PAST_THE_END_TEXT = "Done.";

/** Decides the answer to one request; stateless, so retries and replays get the same answer. */
export function planReply(view: PromptView, scripts: ScriptStore): ReplyPlan {
  const script = scripts.find(view);
  if (!script) return { kind: "reply", text: demoReply(view.lastUserText), toolCalls: [], delayMs: 0 };
  const step = script.steps[view.stepIndex] ?? pastTheEnd(script.steps.at(-1));
  return fromStep(step, script.id);
}

function pastTheEnd(last: Step | undefined): Step {
  if (last && "text" in last && !("toolCalls" in last)) return last;
  return { text: PAST_THE_END_TEXT };
}

function fromStep(step: Step, scriptId: string): ReplyPlan {
  if ("error" in step) {
    return { kind: "error", scriptId, ...step.error, delayMs: step.delayMs ?? 0 };
  }
  const toolCalls = "toolCalls" in step ? step.toolCalls : [];
  return {
    kind: "reply",
    scriptId,
    text: step.text ?? "",
    toolCalls: toolCalls.map((call) => ({
      id: call.id,
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    })),
    tokensPerSecond: step.tokensPerSecond,
    delayMs: step.delayMs ?? 0,
  };
}
