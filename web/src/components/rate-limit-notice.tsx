import { useEffect } from "react";
import type { RateLimit } from "../api/api-error.ts";
import { rateLimitMessage } from "../lib/rate-limit.ts";
import { useCountdown } from "../lib/use-countdown.ts";
import { AlertIcon } from "./icons.tsx";

/**
 * "Too many attempts — try again in 40 s", counting down, gone (through `onExpire`) once the wait is
 * over. Announced once when it appears; the ticking number is a timer, which screen readers leave alone.
 */
export function RateLimitNotice({ limit, onExpire }: { limit: RateLimit; onExpire: () => void }) {
  const left = useCountdown(limit.until);
  const expired = limit.until !== undefined && left === 0;

  useEffect(() => {
    if (expired) onExpire();
  }, [expired, onExpire]);

  if (expired) return null;
  return (
    <div className="notice notice-warning" role="alert" data-testid="rate-limit-notice">
      <AlertIcon />
      <div className="notice-body">
        {limit.until === undefined ? (
          rateLimitMessage(undefined)
        ) : (
          <span role="timer" aria-live="off">
            {rateLimitMessage(left)}
          </span>
        )}
      </div>
    </div>
  );
}
