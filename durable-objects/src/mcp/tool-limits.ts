/** Policy limits applied to every tool call, internal or external. */
export interface ToolLimits {
  /** A call that takes longer is abandoned (and cancelled at the server) with `tool_timeout`. */
  timeoutMs: number;
  /** Longer results are cut, with a marker that says how much was cut. */
  maxResultChars: number;
  /** Backoff before the one retry of a transport failure. */
  retryBackoffMs: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  timeoutMs: 60_000,
  maxResultChars: 32_000,
  retryBackoffMs: 250,
};

/**
 * Cuts `text` to the limit with a marker the model can read.
 * @example truncateResult("abcdef", 3) // "abc\n[… 3 more characters truncated]"
 */
export function truncateResult(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  return {
    text: `${text.slice(0, maxChars)}\n[… ${text.length - maxChars} more characters truncated]`,
    truncated: true,
  };
}
