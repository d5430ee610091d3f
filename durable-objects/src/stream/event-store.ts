import type { Database } from "@switchboard/db/client";
import { STREAM_NOTIFY_CHANNEL, type StreamEvent, type StreamNotification } from "@switchboard/protocol";

/** A parameterised statement, so several can run in one SQL-over-HTTP transaction. */
export interface Statement {
  text: string;
  params: unknown[];
}

/**
 * ONE statement that appends a batch of events and notifies listeners with a pointer (never the text):
 * a multi-row insert and a single pg_notify, committed together. One NOTIFY per batch, not per token,
 * because every commit carrying a NOTIFY takes a database-wide lock.
 */
export function appendEventsStatement(conversationId: string, events: readonly StreamEvent[]): Statement {
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) throw new Error("appendEventsStatement needs at least one event");
  const notification = { c: conversationId, f: first.seq, t: last.seq } satisfies StreamNotification;
  return {
    text: `WITH inserted AS (
        INSERT INTO stream_events (conversation_id, seq, type, event)
        SELECT $1::uuid, e.seq, e.type, e.event
        FROM unnest($2::bigint[], $3::text[], $4::jsonb[]) AS e(seq, type, event)
        RETURNING 1
      )
      SELECT pg_notify('${STREAM_NOTIFY_CHANNEL}', $5) FROM (SELECT count(*) FROM inserted) AS batch`,
    params: [
      conversationId,
      events.map((e) => e.seq),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e)),
      JSON.stringify(notification),
    ],
  };
}

/** Runs statements in one transaction (one HTTP request); a single statement is sent on its own. */
export async function execute(db: Database, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 1 && statements[0]) {
    await db.sql.query(statements[0].text, statements[0].params);
    return;
  }
  await db.sql.transaction(statements.map((s) => db.sql.query(s.text, s.params)));
}

/** Events with `afterSeq < seq < beforeSeq`, in order: a primary-key range read. */
export async function readEvents(
  db: Database,
  conversationId: string,
  afterSeq: number,
  beforeSeq: number,
  limit: number,
): Promise<StreamEvent[]> {
  const rows = (await db.sql.query(
    `SELECT event FROM stream_events
     WHERE conversation_id = $1 AND seq > $2 AND seq < $3
     ORDER BY seq LIMIT $4`,
    [conversationId, afterSeq, beforeSeq, limit],
  )) as { event: StreamEvent }[];
  return rows.map((r) => r.event);
}

/** The highest seq stored for the conversation (events and messages), 0 when none. */
export async function readLastSeq(db: Database, conversationId: string): Promise<number> {
  const rows = (await db.sql.query(
    `SELECT GREATEST(
       (SELECT COALESCE(MAX(seq), 0) FROM stream_events WHERE conversation_id = $1),
       (SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = $1)
     )::bigint AS last`,
    [conversationId],
  )) as { last: string | number }[];
  return Number(rows[0]?.last ?? 0);
}

/** The seq of the newest completed message: where a client resumes after reloading messages. */
export async function readMessageCursor(db: Database, conversationId: string): Promise<number> {
  const rows = (await db.sql.query(
    "SELECT COALESCE(MAX(seq), 0)::bigint AS cursor FROM messages WHERE conversation_id = $1",
    [conversationId],
  )) as { cursor: string | number }[];
  return Number(rows[0]?.cursor ?? 0);
}
