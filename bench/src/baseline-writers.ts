import { STREAM_NOTIFY_CHANNEL, type StreamEvent } from "@switchboard/protocol";
import pg from "pg";
// The platform's own statement, so the comparison isolates the database cost of the write pattern.
import type { appendEventsStatement } from "../../durable-objects/src/stream/event-store.ts";
import { LISTENED_FLUSH_MS } from "./flush-analysis.ts";

/** Writes one conversation's tokens; `write` is called once per token as the model produces it. */
export interface ConversationWriter {
  write(event: StreamEvent): void;
  /** Flushes whatever is buffered and resolves when every write has been committed. */
  finish(): Promise<void>;
}

export interface WriterStats {
  statements: number;
  tokensCommitted: number;
  errors: number;
  lastError: string | undefined;
  /** When each flush statement was issued, by `${conversationId}:${lastSeq}` (statement → listener latency). */
  issuedAt: Map<string, number>;
  /** Set when the measurement ends: writes still queued are dropped instead of sent. */
  stopped: boolean;
}

export function newWriterStats(): WriterStats {
  return {
    statements: 0,
    tokensCommitted: 0,
    errors: 0,
    lastError: undefined,
    issuedAt: new Map(),
    stopped: false,
  };
}

/**
 * What the seed did: every token is its own transaction holding one INSERT and one NOTIFY, sent as one
 * simple query (`INSERT …; SELECT pg_notify(…)`), so it is one round trip and one commit per token —
 * the cheapest honest form of per-token writes. Writes of one conversation run in order, one at a time.
 */
export function naiveWriter(pool: pg.Pool, conversationId: string, stats: WriterStats): ConversationWriter {
  let chain: Promise<void> = Promise.resolve();
  return {
    write(event) {
      const sql =
        `INSERT INTO stream_events (conversation_id, seq, type, event) VALUES ('${conversationId}', ${event.seq}, ` +
        `'${event.type}', ${pg.escapeLiteral(JSON.stringify(event))}); ` +
        `SELECT pg_notify('${STREAM_NOTIFY_CHANNEL}', ${pg.escapeLiteral(JSON.stringify({ c: conversationId, f: event.seq, t: event.seq }))})`;
      chain = chain.then(async () => {
        if (stats.stopped) return;
        stats.issuedAt.set(`${conversationId}:${event.seq}`, Date.now());
        try {
          await pool.query(sql);
          stats.statements += 2;
          stats.tokensCommitted += 1;
        } catch (error) {
          stats.errors++;
          stats.lastError = String(error);
        }
      });
    },
    finish: () => chain,
  };
}

export type AppendStatement = typeof appendEventsStatement;

/**
 * The platform's pattern (durable-objects/src/stream/event-log.ts): tokens wait in a buffer; one flush per
 * 50 ms window writes them with ONE statement (multi-row insert + one pg_notify), at most one in flight.
 */
export const batchedWriter =
  (appendEventsStatement: AppendStatement) =>
  (pool: pg.Pool, conversationId: string, stats: WriterStats): ConversationWriter => {
    let pending: StreamEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let flushing: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      clearTimeout(timer);
      timer = undefined;
      flushing = flushing.then(async () => {
        const batch = pending;
        pending = [];
        const last = batch.at(-1);
        if (!last || stats.stopped) return;
        const statement = appendEventsStatement(conversationId, batch);
        stats.issuedAt.set(`${conversationId}:${last.seq}`, Date.now());
        try {
          await pool.query(statement.text, statement.params);
          stats.statements += 1;
          stats.tokensCommitted += batch.length;
        } catch (error) {
          stats.errors++;
          stats.lastError = String(error);
        }
      });
      return flushing;
    };
    return {
      write(event) {
        pending.push(event);
        timer ??= setTimeout(() => void flush(), LISTENED_FLUSH_MS);
      },
      finish: () => flush(),
    };
  };
