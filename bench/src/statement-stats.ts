import type { StatementCount } from "./database-monitor.ts";

export interface StatementBreakdown {
  total: number;
  /** The Durable Object's flush: multi-row insert + pg_notify in one statement. */
  eventAppends: number;
  /** The relay reading rows for its SSE subscribers. */
  relayEventReads: number;
  /** BEGIN/COMMIT around the multi-statement flushes (message stored with its event). */
  transactionControl: number;
  other: number;
  /** The busiest statements, shortened, for the raw results. */
  top: { query: string; calls: number }[];
}

/** Groups pg_stat_statements rows by what issued them. */
export function breakdownStatements(rows: readonly StatementCount[]): StatementBreakdown {
  const result: StatementBreakdown = {
    total: 0,
    eventAppends: 0,
    relayEventReads: 0,
    transactionControl: 0,
    other: 0,
    top: [],
  };
  for (const row of rows) {
    const q = row.query.replaceAll(/\s+/g, " ").trim();
    result.total += row.calls;
    if (/INSERT INTO stream_events/i.test(q)) result.eventAppends += row.calls;
    else if (/^SELECT seq, event FROM stream_events/i.test(q)) result.relayEventReads += row.calls;
    else if (/^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)/i.test(q)) result.transactionControl += row.calls;
    else result.other += row.calls;
  }
  result.top = rows.slice(0, 8).map((r) => ({
    query: r.query.replaceAll(/\s+/g, " ").trim().slice(0, 120),
    calls: r.calls,
  }));
  return result;
}
