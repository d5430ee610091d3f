/**
 * `Retry-After` as whole seconds to wait (at least 1): either delta-seconds (`40`) or an HTTP date.
 * Undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Math.max(1, Number.parseInt(text, 10));
  // An HTTP date always names its day and month ("Wed, 21 Oct 2026 07:28:00 GMT").
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(1, Math.ceil((at - now) / 1000));
}

/** "Too many attempts — try again in 40 s" (or a vaguer wait when the server gave no time). */
export function rateLimitMessage(seconds: number | undefined): string {
  if (seconds === undefined || seconds <= 0) return "Too many attempts — wait a moment and try again.";
  return `Too many attempts — try again in ${Math.ceil(seconds)} s`;
}

/** Seconds left until `until` (epoch ms), rounded up; 0 once it has passed. */
export function secondsLeft(until: number, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}
