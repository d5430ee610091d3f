import type pg from "pg";

/** One stored event: its seq and the event exactly as stored (JSON text, including `seq`). */
export interface EventRow {
  seq: number;
  json: string;
}

/** Rows per catch-up read; bounds both the query and what one read puts in a subscriber's buffer. */
export const CATCH_UP_PAGE = 500;

/**
 * Reads `stream_events` by primary-key ranges only, so the cost follows the number of events read, never
 * the length of the conversation. Named statements are prepared once per pooled connection.
 */
export class EventReader {
  constructor(private readonly pool: pg.Pool) {}

  /** Up to `limit` events with seq > `after`, in order. */
  async after(conversationId: string, after: number, limit = CATCH_UP_PAGE): Promise<EventRow[]> {
    const result = await this.pool.query<[string, string]>({
      name: "relay_events_after",
      text: "SELECT seq, event FROM stream_events WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
      values: [conversationId, after, limit],
      rowMode: "array",
    });
    return result.rows.map(toRow);
  }

  /** Events up to this seq were pruned (see `conversations.events_pruned_through`); 0 when none. */
  async prunedThrough(conversationId: string): Promise<number> {
    const result = await this.pool.query<[string]>({
      name: "relay_events_pruned_through",
      text: "SELECT events_pruned_through FROM conversations WHERE id = $1",
      values: [conversationId],
      rowMode: "array",
    });
    return Number(result.rows[0]?.[0] ?? 0);
  }

  /** The events `from`..`to` (inclusive) that still exist, in order. */
  async between(conversationId: string, from: number, to: number): Promise<EventRow[]> {
    const result = await this.pool.query<[string, string]>({
      name: "relay_events_between",
      text: "SELECT seq, event FROM stream_events WHERE conversation_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
      values: [conversationId, from, to],
      rowMode: "array",
    });
    return result.rows.map(toRow);
  }
}

function toRow([seq, json]: [string, string]): EventRow {
  return { seq: Number(seq), json };
}
