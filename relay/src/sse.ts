import type { EventRow } from "./event-reader.ts";

export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  // nginx and friends buffer responses by default, which would hold events back.
  "x-accel-buffering": "no",
} as const;

/** Stored event JSON (jsonb text) never contains a raw newline, so one `data:` line carries it whole. */
export function sseEvents(rows: readonly EventRow[]): string {
  let out = "";
  for (const row of rows) out += `id: ${row.seq}\ndata: ${row.json}\n\n`;
  return out;
}

export function sseReset(resumeAfter: number): string {
  return `event: reset\ndata: ${JSON.stringify({ kind: "reset", reason: "pruned", resumeAfter })}\n\n`;
}

export const SSE_KEEP_ALIVE = ": keep-alive\n\n";
