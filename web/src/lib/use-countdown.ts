import { useEffect, useState } from "react";
import { secondsLeft } from "./rate-limit.ts";

/** Whole seconds left until `until` (epoch ms), re-rendering each second; 0 once it has passed. */
export function useCountdown(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return until === undefined ? 0 : secondsLeft(until, now);
}
