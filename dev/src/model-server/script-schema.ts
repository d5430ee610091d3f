import { z } from "zod";

// Upper bounds keep one careless script from pinning the server (a 10-minute delay, a 1 MB reply).
const MAX_DELAY_MS = 600_000;
const MAX_TEXT = 1_000_000;

const Pacing = {
  tokensPerSecond: z
    .number()
    .min(0)
    .optional()
    .describe("Overrides the server rate; 0 = as fast as possible"),
  delayMs: z.number().min(0).max(MAX_DELAY_MS).optional().describe("Wait before the first token"),
};

export const ScriptedToolCall = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200),
  // A string is sent verbatim, so a test can hand the platform malformed JSON.
  arguments: z.union([z.record(z.string(), z.unknown()), z.string().max(MAX_TEXT)]).default({}),
});
export type ScriptedToolCall = z.infer<typeof ScriptedToolCall>;

export const TextStep = z.strictObject({ text: z.string().max(MAX_TEXT), ...Pacing });
export type TextStep = z.infer<typeof TextStep>;

export const ToolCallsStep = z.strictObject({
  toolCalls: z.array(ScriptedToolCall).min(1).max(64),
  text: z.string().max(MAX_TEXT).optional().describe("Text streamed before the tool calls"),
  ...Pacing,
});
export type ToolCallsStep = z.infer<typeof ToolCallsStep>;

export const ErrorStep = z.strictObject({
  error: z.strictObject({
    status: z.number().int().min(400).max(599),
    message: z.string().max(10_000),
    type: z.string().max(200).optional(),
  }),
  delayMs: Pacing.delayMs,
});
export type ErrorStep = z.infer<typeof ErrorStep>;

export const Step = z.union([TextStep, ToolCallsStep, ErrorStep]);
export type Step = z.infer<typeof Step>;

export const ScriptMatch = z
  .strictObject({
    model: z.string().min(1).optional(),
    userIncludes: z.string().min(1).optional(),
    systemIncludes: z.string().min(1).optional(),
  })
  .default({});
export type ScriptMatch = z.infer<typeof ScriptMatch>;

export const ScriptInput = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.:-]+$/, "id may contain letters, digits, '_', '-', '.', ':'")
    .optional(),
  match: ScriptMatch,
  steps: z.array(Step).min(1).max(1000),
});
export type ScriptInput = z.infer<typeof ScriptInput>;
/** What a client may send: `match` and tool-call `arguments` can be left out. */
export type ScriptRequest = z.input<typeof ScriptInput>;

export interface Script {
  id: string;
  match: ScriptMatch;
  steps: Step[];
  createdAt: number;
}
