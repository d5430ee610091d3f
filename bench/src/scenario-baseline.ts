import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { StreamEvent } from "@switchboard/protocol";
import pg from "pg";
import {
  type AppendStatement,
  batchedWriter,
  type ConversationWriter,
  naiveWriter,
  newWriterStats,
  type WriterStats,
} from "./baseline-writers.ts";
import type { BenchContext } from "./context.ts";
import { BENCH_APP_PREFIX, type ReceivedNotification, STATS_SETTLE_MS } from "./database-monitor.ts";
import { pollUntil, sleep } from "./limits.ts";
import { round, type Summary, summarize } from "./percentiles.ts";
import { ProcessSampler, type ServiceUsage } from "./process-stats.ts";
import { breakdownStatements } from "./statement-stats.ts";

export interface BaselineOptions {
  conversations: number;
  tokens: number;
  tokensPerSecond: number;
  /** How long past the nominal stream duration the writers may take before the run is cut off. */
  timeLimitMs: number;
}

export type WriterKind = "naive" | "batched";

export interface WriterResult {
  writer: WriterKind;
  tokensExpected: number;
  tokensCommitted: number;
  timedOut: boolean;
  wallSeconds: number;
  /** Statements the writer sent (the naive writer sends two per token). */
  statements: number;
  /** Statements PostgreSQL ran in the stack's database, pg_stat_statements (null when unavailable). */
  statementsSeenByPostgres: number | null;
  commits: number;
  notificationsReceived: number;
  postgresCpuSeconds: number;
  postgresCpuPercentOfCore: number;
  /** From the token's production (its due time at the model's pace) to a LISTENing client's receipt. */
  tokenToListenerMs: Summary;
  /** From the statement's dispatch to the LISTENing client's receipt of its notification. */
  statementToListenerMs: Summary;
  processes: ServiceUsage[];
  errors: number;
  lastError: string | undefined;
}

export interface BaselineResult {
  /** CPU other processes used (% of one core) just before the run; filled in by main. */
  othersBeforePercent?: number;
  /** Earlier attempts discarded because workerd restarted during them; filled in by main. */
  voidAttempts?: number;
  conversations: number;
  tokens: number;
  tokensPerSecond: number;
  poolSize: number;
  naive: WriterResult;
  batched: WriterResult;
  /** naive ÷ batched, per committed token. */
  ratios: { statements: number | null; commits: number | null; postgresCpu: number | null };
}

/** pg.Pool's default size, i.e. what a plain `new pg.Pool()` in the seed would have had. */
const POOL_SIZE = 10;

/**
 * The write pattern alone, from Node against the same database: per-token INSERT + NOTIFY (the seed)
 * against one multi-row INSERT + one NOTIFY per conversation per 50 ms window (the platform).
 */
export async function runBaseline(ctx: BenchContext, options: BaselineOptions): Promise<BaselineResult> {
  const naive = await runWriter(ctx, options, "naive");
  const batched = await runWriter(ctx, options, "batched");
  // Per committed token: a writer that fell behind did less work in the same time.
  const perToken = (w: WriterResult, x: number | null) =>
    x !== null && w.tokensCommitted ? x / w.tokensCommitted : null;
  const ratio = (pick: (w: WriterResult) => number | null) => {
    const a = perToken(naive, pick(naive));
    const b = perToken(batched, pick(batched));
    return a !== null && b ? round(a / b, 1) : null;
  };
  return {
    conversations: options.conversations,
    tokens: options.tokens,
    tokensPerSecond: options.tokensPerSecond,
    poolSize: POOL_SIZE,
    naive,
    batched,
    ratios: {
      statements: ratio((w) => w.statements),
      commits: ratio((w) => w.commits),
      postgresCpu: ratio((w) => w.postgresCpuSeconds),
    },
  };
}

async function runWriter(
  ctx: BenchContext,
  options: BaselineOptions,
  kind: WriterKind,
): Promise<WriterResult> {
  const pool = new pg.Pool({
    connectionString: ctx.stack.databaseUrl,
    max: POOL_SIZE,
    application_name: `${BENCH_APP_PREFIX}-writer`,
  });
  pool.on("error", () => undefined); // An idle client's error must not crash the run; queries report theirs.
  const sampler = new ProcessSampler();
  try {
    const conversationIds = await insertConversations(pool, ctx, options.conversations);
    // Connections are opened before measuring, so connection setup is not billed to either pattern.
    const warm = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
    for (const client of warm) client.release();

    const stats = newWriterStats();
    const make =
      kind === "naive" ? naiveWriter : batchedWriter(await loadAppendStatement(ctx.stack.code.root));
    const writers = new Map<string, ConversationWriter>(
      conversationIds.map((id) => [id, make(pool, id, stats)]),
    );
    const producedAt = new Map<string, Float64Array>(
      conversationIds.map((id) => [id, new Float64Array(options.tokens).fill(Number.NaN)]),
    );

    await ctx.monitor.resetStatements();
    const before = await ctx.monitor.counters();
    ctx.notifications.start();
    sampler.start();
    const intervalMs = 1000 / options.tokensPerSecond;
    const start = Date.now() + 100;
    const deadline = start + options.tokens * intervalMs + options.timeLimitMs;
    const runId = randomUUID();
    const messageId = randomUUID();

    // Each conversation produces at the model's pace, offset within one token interval like independent
    // streams would be. Production never waits for the database; the writer decides when to write.
    await Promise.all(
      conversationIds.map(async (conversationId, c) => {
        const writer = writers.get(conversationId) as ConversationWriter;
        const produced = producedAt.get(conversationId) as Float64Array;
        const offset = (c / conversationIds.length) * intervalMs;
        for (let k = 0; k < options.tokens; k++) {
          const due = start + offset + k * intervalMs;
          await sleep(due - Date.now());
          if (Date.now() > deadline) break;
          produced[k] = due;
          const event: StreamEvent = {
            seq: k + 1,
            at: due,
            type: "token",
            runId,
            agentId: ctx.agentId,
            messageId,
            text: `w${k + 1} `,
          };
          writer.write(event);
        }
        await Promise.race([writer.finish(), sleep(Math.max(0, deadline - Date.now()))]);
      }),
    );
    const expected = options.conversations * options.tokens;
    const ids = new Set(conversationIds);
    const ours = () => ctx.notifications.received.filter((n) => ids.has(n.c));
    const covered = () => ours().reduce((sum, n) => sum + n.t - n.f + 1, 0);
    const timedOut = !(await pollUntil(
      () => covered() >= stats.tokensCommitted && stats.tokensCommitted >= expected,
      deadline,
      50,
    ));
    const wallSeconds = (Date.now() - start) / 1000;
    stats.stopped = true;
    const processes = sampler.stop();
    const notifications = ctx.notifications.stop().filter((n) => ids.has(n.c));
    const statementRows = await ctx.monitor.statements();
    ctx.log(
      `  ${kind}: ${stats.tokensCommitted}/${expected} tokens in ${wallSeconds.toFixed(1)} s; letting statistics settle`,
    );
    // Writes still queued in the pool after a time-out would otherwise land in the next measurement.
    await pool.end();
    await sleep(STATS_SETTLE_MS);
    const after = await ctx.monitor.counters();
    const postgres = processes.find((p) => p.service === "postgres");
    return {
      writer: kind,
      tokensExpected: expected,
      tokensCommitted: stats.tokensCommitted,
      timedOut,
      wallSeconds: round(wallSeconds),
      statements: stats.statements,
      statementsSeenByPostgres: statementRows.length > 0 ? breakdownStatements(statementRows).total : null,
      commits: after.xactCommit - before.xactCommit,
      notificationsReceived: notifications.length,
      postgresCpuSeconds: postgres?.cpuSeconds ?? 0,
      postgresCpuPercentOfCore: postgres?.cpuPercentOfCore ?? 0,
      ...latencies(notifications, producedAt, stats),
      processes,
      errors: stats.errors,
      lastError: stats.lastError,
    };
  } finally {
    sampler.stop();
    ctx.notifications.stop();
    if (!pool.ended) await pool.end().catch(() => undefined);
  }
}

function latencies(
  notifications: readonly ReceivedNotification[],
  producedAt: Map<string, Float64Array>,
  stats: WriterStats,
): { tokenToListenerMs: Summary; statementToListenerMs: Summary } {
  const perToken: number[] = [];
  const perStatement: number[] = [];
  for (const n of notifications) {
    const produced = producedAt.get(n.c);
    for (let seq = n.f; seq <= n.t; seq++) {
      const at = produced?.[seq - 1];
      if (at !== undefined && !Number.isNaN(at)) perToken.push(n.receivedAt - at);
    }
    const issued = stats.issuedAt.get(`${n.c}:${n.t}`);
    if (issued !== undefined) perStatement.push(n.receivedAt - issued);
  }
  return { tokenToListenerMs: summarize(perToken), statementToListenerMs: summarize(perStatement) };
}

/** The platform's own statement from the code the stack runs (the working tree or the snapshot). */
async function loadAppendStatement(codeRoot: string): Promise<AppendStatement> {
  const file = path.join(codeRoot, "durable-objects/src/stream/event-store.ts");
  const module = (await import(pathToFileURL(file).href)) as { appendEventsStatement: AppendStatement };
  return module.appendEventsStatement;
}

/** Conversations for the writers, owned by the bench user (the events' foreign key needs them). */
async function insertConversations(pool: pg.Pool, ctx: BenchContext, count: number): Promise<string[]> {
  const result = await pool.query<{ id: string }>(
    `INSERT INTO conversations (owner_id, agent_id, title)
     SELECT $1, $2, 'baseline ' || g FROM generate_series(1, $3::int) AS g RETURNING id`,
    [ctx.api.userId, ctx.agentId, count],
  );
  return result.rows.map((r) => r.id);
}
