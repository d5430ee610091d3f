import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { StreamEvent } from "@switchboard/protocol";
import pg from "pg";
import type { BenchContext } from "./context.ts";
import { BENCH_APP_PREFIX } from "./database-monitor.ts";
import { errorMessage, withTimeout } from "./limits.ts";
import { round, type Summary, summarize } from "./percentiles.ts";
import { ReloadDetector } from "./process-stats.ts";
import { SseStreamClient } from "./sse-client.ts";
import { WsStreamClient } from "./ws-client.ts";

export interface ResumeOptions {
  /** Earlier token events per conversation, e.g. 1 000 and 100 000. */
  sizes: number[];
  /** The reconnecting client has seen all but this many. */
  missed: number;
  repetitions: number;
}

export interface ResumeTransportResult {
  /** The first reconnect (a fresh Durable Object for WebSocket; a fresh relay subscription for SSE). */
  firstMs: number | null;
  warm: Summary;
  /** Reconnects that did not receive exactly the missed events, in order. */
  incomplete: number;
}

export interface ResumeSizeResult {
  events: number;
  setupSeconds: number;
  webSocket: ResumeTransportResult;
  sse: ResumeTransportResult;
}

export interface ResumeResult {
  /** CPU other processes used (% of one core) just before the run; filled in by main. */
  othersBeforePercent?: number;
  /** Earlier attempts discarded because workerd restarted during them; filled in by main. */
  voidAttempts?: number;
  missed: number;
  repetitions: number;
  sizes: ResumeSizeResult[];
  /** EXPLAIN (ANALYZE, BUFFERS) of the Durable Object's catch-up read on the largest conversation. */
  plan: string[];
  /** The relay's catch-up read (SSE), same conversation. */
  relayPlan: string[];
  errors: string[];
  /** wrangler dev restarted workerd during the measurement (a source file changed); the run is void. */
  workerReloaded: boolean;
}

const RECONNECT_TIMEOUT_MS = 15_000;

/**
 * Reconnect cost against conversation length: conversations with 1k and 100k earlier events (inserted
 * directly, owned by the bench user so the API authorises them); a client that has seen all but the last
 * 100 reconnects and the time to its last replayed event is measured, over WebSocket and over SSE.
 */
export async function runResume(ctx: BenchContext, options: ResumeOptions): Promise<ResumeResult> {
  const client = new pg.Client({
    connectionString: ctx.stack.databaseUrl,
    application_name: `${BENCH_APP_PREFIX}-setup`,
  });
  await client.connect();
  const errors: string[] = [];
  const reload = new ReloadDetector();
  try {
    await ctx.api.refresh();
    const conversations: { size: number; id: string; setupSeconds: number }[] = [];
    for (const size of options.sizes) {
      const setupStart = Date.now();
      const id = await insertConversation(client, ctx, size);
      const setupSeconds = (Date.now() - setupStart) / 1000;
      ctx.log(`  ${size} events inserted in ${setupSeconds.toFixed(1)} s`);
      conversations.push({ size, id, setupSeconds });
    }
    const largest = conversations.at(-1)?.id;
    // Sizes are measured interleaved (1k, 100k, 1k, …) so that warm-up and background load drift hit all
    // sizes alike; the first reconnect of each is reported on its own (it pays for the cold start).
    const measure = async (open: typeof openWebSocket) => {
      const times = conversations.map(() => [] as number[]);
      const incomplete = conversations.map(() => 0);
      for (let i = 0; i <= options.repetitions; i++) {
        for (const [k, c] of conversations.entries()) {
          try {
            const outcome = await open(ctx, c.id, c.size - options.missed, c.size);
            if (!outcome.complete) incomplete[k] = (incomplete[k] ?? 0) + 1;
            times[k]?.push(outcome.ms);
          } catch (error) {
            incomplete[k] = (incomplete[k] ?? 0) + 1;
            if (errors.length < 10) errors.push(`${c.size}: ${errorMessage(error)}`);
          }
        }
      }
      return conversations.map(
        (_, k): ResumeTransportResult => ({
          firstMs: times[k]?.[0] === undefined ? null : round(times[k][0], 1),
          warm: summarize(times[k]?.slice(1) ?? []),
          incomplete: incomplete[k] ?? 0,
        }),
      );
    };
    ctx.log("  reconnecting over WebSocket");
    const webSocket = await measure(openWebSocket);
    ctx.log("  reconnecting over SSE");
    const sse = await measure(openSse);
    const sizes = conversations.map(
      (c, k): ResumeSizeResult => ({
        events: c.size,
        setupSeconds: round(c.setupSeconds),
        webSocket: webSocket[k] as ResumeTransportResult,
        sse: sse[k] as ResumeTransportResult,
      }),
    );
    // The planner sees the table as it is after the inserts; autovacuum may not have analysed it yet.
    await client.query("ANALYZE stream_events");
    const last = options.sizes.at(-1) ?? 0;
    const plan = largest
      ? await explain(
          client,
          `SELECT event FROM stream_events WHERE conversation_id = '${largest}' AND seq > ${last - options.missed} AND seq < ${last + 1} ORDER BY seq LIMIT 1000`,
        )
      : [];
    const relayPlan = largest
      ? await explain(
          client,
          `SELECT seq, event FROM stream_events WHERE conversation_id = '${largest}' AND seq > ${last - options.missed} ORDER BY seq LIMIT 500`,
        )
      : [];
    return {
      missed: options.missed,
      repetitions: options.repetitions,
      sizes,
      plan,
      relayPlan,
      errors,
      workerReloaded: reload.reloaded,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One user, one agent (the bench's), one conversation whose earlier reply has `size` token events. */
async function insertConversation(client: pg.Client, ctx: BenchContext, size: number): Promise<string> {
  const inserted = await client.query<{ id: string }>(
    "INSERT INTO conversations (owner_id, agent_id, title) VALUES ($1, $2, $3) RETURNING id",
    [ctx.api.userId, ctx.agentId, `resume ${size}`],
  );
  const conversationId = inserted.rows[0]?.id;
  if (!conversationId) throw new Error("conversation insert returned no id");
  // One statement: the rows are built by PostgreSQL, shaped exactly like protocol's TokenEvent.
  await client.query(
    `INSERT INTO stream_events (conversation_id, seq, type, event)
     SELECT $1::uuid, g, 'token', jsonb_build_object(
       'seq', g, 'at', $3::bigint + g, 'type', 'token', 'runId', $4::text,
       'agentId', $5::text, 'messageId', $6::text, 'text', 'w' || g || ' ')
     FROM generate_series(1, $2::int) AS g`,
    [conversationId, size, Date.now() - size, randomUUID(), ctx.agentId, randomUUID()],
  );
  return conversationId;
}

interface ReconnectOutcome {
  ms: number;
  complete: boolean;
}

/** Tracks the replayed events: exactly after+1 … last, in order, means complete. */
function replayTracker(after: number, last: number, started: number) {
  let expected = after + 1;
  let complete = true;
  let resolve: (outcome: ReconnectOutcome) => void = () => undefined;
  const done = new Promise<ReconnectOutcome>((r) => {
    resolve = r;
  });
  const onEvents = (events: readonly StreamEvent[]) => {
    const now = performance.now();
    for (const event of events) {
      if (event.seq !== expected) complete = false;
      expected = event.seq + 1;
      if (event.seq >= last) resolve({ ms: now - started, complete: complete && event.seq === last });
    }
  };
  return { done, onEvents };
}

/** Time from `new WebSocket(...)` to the last replayed event. */
async function openWebSocket(
  ctx: BenchContext,
  conversationId: string,
  after: number,
  last: number,
): Promise<ReconnectOutcome> {
  const tracker = replayTracker(after, last, performance.now());
  const client = new WsStreamClient(
    ctx.api.streamUrl(conversationId, after),
    ctx.api.accessToken,
    tracker.onEvents,
  );
  try {
    return await withTimeout(tracker.done, RECONNECT_TIMEOUT_MS, "websocket resume");
  } finally {
    client.close();
    await withTimeout(client.closed, 5000, "websocket close").catch(() => undefined);
  }
}

/** Time from the fetch with `Last-Event-ID` to the last replayed event. */
async function openSse(
  ctx: BenchContext,
  conversationId: string,
  after: number,
  last: number,
): Promise<ReconnectOutcome> {
  const tracker = replayTracker(after, last, performance.now());
  const client = new SseStreamClient(
    ctx.api.eventsUrl(conversationId),
    ctx.api.accessToken,
    after,
    tracker.onEvents,
  );
  try {
    return await withTimeout(tracker.done, RECONNECT_TIMEOUT_MS, "sse resume");
  } finally {
    client.close();
    await withTimeout(client.closed, 5000, "sse close").catch(() => undefined);
  }
}

async function explain(client: pg.Client, sql: string): Promise<string[]> {
  const result = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
  return [sql, ...result.rows.map((r) => r["QUERY PLAN"])];
}
