import type { ReceivedNotification } from "./database-monitor.ts";
import { round } from "./percentiles.ts";

/** The flush window while an SSE listener holds a lease (durable-objects/src/stream/event-log.ts). */
export const LISTENED_FLUSH_MS = 50;

export interface ConversationRun {
  conversationId: string;
  /** Durable Object stamps of run.started and of the last token (from the WebSocket client). */
  runStartedAt: number | undefined;
  lastTokenAt: number | undefined;
}

export interface FlushAnalysis {
  /** All append statements (one NOTIFY each) of the measured conversations. */
  appendStatements: number;
  /** Per run: one flush when the user message is stored, one when the reply completes; the rest are windowed. */
  windowedFlushes: number;
  /** Windowed flushes per conversation per second of its streaming span: mean and max over conversations. */
  perConversationPerSecond: { mean: number | null; max: number | null };
  /** Mean events per append statement. */
  eventsPerStatement: number | null;
  /**
   * Conversations with more windowed flushes than 50 ms windows fit in their span. Flush timers start at
   * an append and fire 50 ms later, so k flushes need at least (k − 1) × 50 ms between run.started and the
   * last token's window: k ≤ floor(span / 50) + 1. Anything above that breaks "one statement per window".
   */
  conversationsOverLimit: number;
  conversationsMeasured: number;
}

export function analyseFlushes(
  notifications: readonly ReceivedNotification[],
  runs: readonly ConversationRun[],
): FlushAnalysis {
  const byConversation = new Map<string, ReceivedNotification[]>();
  for (const n of notifications) {
    const list = byConversation.get(n.c);
    if (list) list.push(n);
    else byConversation.set(n.c, [n]);
  }
  let appendStatements = 0;
  let windowedFlushes = 0;
  let events = 0;
  let overLimit = 0;
  const rates: number[] = [];
  for (const run of runs) {
    const list = byConversation.get(run.conversationId) ?? [];
    appendStatements += list.length;
    for (const n of list) events += n.t - n.f + 1;
    const windowed = Math.max(0, list.length - 2);
    windowedFlushes += windowed;
    if (run.runStartedAt === undefined || run.lastTokenAt === undefined) continue;
    const spanMs = Math.max(0, run.lastTokenAt - run.runStartedAt);
    if (windowed > Math.floor(spanMs / LISTENED_FLUSH_MS) + 1) overLimit++;
    rates.push((windowed * 1000) / (spanMs + LISTENED_FLUSH_MS));
  }
  return {
    appendStatements,
    windowedFlushes,
    perConversationPerSecond: {
      mean: rates.length ? round(rates.reduce((a, b) => a + b, 0) / rates.length, 2) : null,
      max: rates.length ? round(Math.max(...rates), 2) : null,
    },
    eventsPerStatement: appendStatements ? round(events / appendStatements, 2) : null,
    conversationsOverLimit: overLimit,
    conversationsMeasured: rates.length,
  };
}
