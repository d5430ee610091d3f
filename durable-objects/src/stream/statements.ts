import type { Database } from "@switchboard/db/client";
import type { HistoryMessage } from "../run/agent-turn.ts";
import type { Statement } from "./event-store.ts";

/** Statements the conversation writes next to its events, so both commit in one transaction. */

export function insertMessage(m: {
  id: string;
  conversationId: string;
  role: "user" | "assistant";
  content: string;
  seq: number;
  agentId?: string;
  runId?: string;
  authorId?: string;
}): Statement {
  return {
    text: `INSERT INTO messages (id, conversation_id, role, content, agent_id, run_id, author_id, seq)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    params: [
      m.id,
      m.conversationId,
      m.role,
      m.content,
      m.agentId ?? null,
      m.runId ?? null,
      m.authorId ?? null,
      m.seq,
    ],
  };
}

export function insertRun(r: { id: string; conversationId: string; agentId: string }): Statement {
  return {
    text: "INSERT INTO runs (id, conversation_id, agent_id, status) VALUES ($1, $2, $3, 'running')",
    params: [r.id, r.conversationId, r.agentId],
  };
}

export function finishRun(
  runId: string,
  status: "completed" | "failed" | "cancelled",
  errorCode?: string,
): Statement {
  return {
    text: "UPDATE runs SET status = $2, error_code = $3, finished_at = now() WHERE id = $1",
    params: [runId, status, errorCode ?? null],
  };
}

export function touchConversation(conversationId: string): Statement {
  return { text: "UPDATE conversations SET updated_at = now() WHERE id = $1", params: [conversationId] };
}

/** The newest `limit` messages, oldest first: what the model sees of the conversation. */
export async function readHistory(
  db: Database,
  conversationId: string,
  limit: number,
): Promise<HistoryMessage[]> {
  const rows = (await db.sql.query(
    `SELECT role, content FROM (
       SELECT role, content, seq FROM messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2
     ) recent ORDER BY seq`,
    [conversationId, limit],
  )) as HistoryMessage[];
  return rows;
}

export async function readRunningRuns(db: Database, conversationId: string): Promise<string[]> {
  const rows = (await db.sql.query("SELECT id FROM runs WHERE conversation_id = $1 AND status = 'running'", [
    conversationId,
  ])) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Whether events after `afterSeq` may be missing because they were pruned. */
export async function isPrunedAfter(
  db: Database,
  conversationId: string,
  afterSeq: number,
): Promise<boolean> {
  const rows = (await db.sql.query(
    "SELECT events_pruned_through AS through FROM conversations WHERE id = $1",
    [conversationId],
  )) as { through: string | number }[];
  return Number(rows[0]?.through ?? 0) > afterSeq;
}

/**
 * Deletes the events of finished messages older than the `keepRuns` newest user messages, and records how
 * far it went so a client resuming from before that point is told to reload messages instead.
 */
export function pruneOldEvents(conversationId: string, keepRuns: number): Statement {
  return {
    text: `WITH cutoff AS (
         SELECT seq - 1 AS through FROM messages
         WHERE conversation_id = $1 AND role = 'user'
         ORDER BY seq DESC OFFSET $2 - 1 LIMIT 1
       ), pruned AS (
         DELETE FROM stream_events
         WHERE conversation_id = $1 AND seq <= (SELECT through FROM cutoff)
         RETURNING 1
       )
       UPDATE conversations SET events_pruned_through = GREATEST(events_pruned_through, (SELECT through FROM cutoff))
       WHERE id = $1 AND EXISTS (SELECT 1 FROM cutoff)`,
    params: [conversationId, keepRuns],
  };
}
