import { addScript, clearLog, type LogEntry, readLog } from "@switchboard/dev/model-server";
import type { BenchContext } from "./context.ts";
import { ConnectionSampler, STATS_SETTLE_MS } from "./database-monitor.ts";
import { analyseFlushes, type FlushAnalysis } from "./flush-analysis.ts";
import { errorMessage, mapLimit, pollUntil, sleep, withTimeout } from "./limits.ts";
import { round, type Summary, summarize } from "./percentiles.ts";
import { ProcessSampler, ReloadDetector, type ServiceUsage, waitForIdleWorker } from "./process-stats.ts";
import { SseStreamClient } from "./sse-client.ts";
import { breakdownStatements, type StatementBreakdown } from "./statement-stats.ts";
import { numberedReply, TokenRecorder } from "./token-recorder.ts";
import { WsStreamClient } from "./ws-client.ts";

export interface StreamsOptions {
  label: string;
  conversations: number;
  tokens: number;
  tokensPerSecond: number;
  /** How long after the last message was sent every run must have completed. */
  timeLimitMs: number;
}

export interface StreamsResult {
  /** CPU other processes used (% of one core) just before the run; filled in by main. */
  othersBeforePercent?: number;
  /** Earlier attempts discarded because workerd restarted during them; filled in by main. */
  voidAttempts?: number;
  label: string;
  conversations: number;
  tokens: number;
  tokensPerSecond: number;
  setup: {
    conversationsCreated: number;
    webSocketsOpened: number;
    sseListenersOpened: number;
    messagesAccepted: number;
    /** From the first message sent to the last one accepted (202). */
    sendSpreadMs: number;
    setupSeconds: number;
    /**
     * How long opening every SSE listener took. Each attachment gives its conversation the short flush
     * window for a 30 s lease, renewed only as bytes flow, so beyond ~30 s the first ones may have lapsed.
     */
    sseOpenSeconds: number;
  };
  completion: {
    webSocketsCompleted: number;
    sseCompleted: number;
    /** Clients whose connection ended before run.completed. */
    webSocketsClosedEarly: number;
    sseClosedEarly: number;
    runsFailed: number;
    timedOut: boolean;
    /** wrangler dev restarted workerd during the run (a source file changed); the run is void. */
    workerReloaded: boolean;
    /** From the first message sent until every client saw run.completed (or the time limit). */
    wallSeconds: number;
  };
  integrity: {
    tokensExpected: number;
    webSocketTokens: number;
    sseTokens: number;
    duplicates: number;
    seqGaps: number;
    modelLogEntries: number;
  };
  latencyMs: { webSocket: Summary; sse: Summary };
  flushes: FlushAnalysis;
  database: {
    appendStatementsPerToken: number | null;
    xactCommit: number;
    /** All statements PostgreSQL ran for the stack's database during the run (pg_stat_statements). */
    statements: StatementBreakdown | null;
    statementsPerToken: number | null;
    maxConnections: number;
    connectionsAtPeak: Record<string, number>;
  };
  processes: ServiceUsage[];
  errors: string[];
}

const SETUP_CONCURRENCY = 16;
const OPEN_TIMEOUT_MS = 30_000;

/**
 * N conversations stream a scripted reply at the same time, each watched by one WebSocket client and one
 * SSE listener opened before the message is sent. Latency is per token: the client's receive time minus
 * the time the model server wrote that token (same clock, same machine).
 */
export async function runStreams(ctx: BenchContext, options: StreamsOptions): Promise<StreamsResult> {
  const { api, stack } = ctx;
  const tag = `${options.label}-${Date.now().toString(36)}`;
  const errors: string[] = [];
  const noteError = (what: string, error: unknown) => {
    if (errors.length < 20) errors.push(`${what}: ${errorMessage(error)}`);
  };
  const setupStart = Date.now();
  const reload = new ReloadDetector();
  await api.refresh();

  // 1. Conversations and one script each (the marker routes each conversation to its own script).
  const indexes = Array.from({ length: options.conversations }, (_, i) => i);
  const created = await mapLimit(indexes, SETUP_CONCURRENCY, (i) =>
    api.createConversation(ctx.agentId, `bench ${tag} ${i}`),
  );
  const conversations: { index: number; id: string; marker: string; scriptId: string }[] = [];
  created.forEach((r, index) => {
    if (r.status === "fulfilled")
      conversations.push({
        index,
        id: r.value,
        marker: `[bench:${tag}:${index}]`,
        scriptId: `${tag}-${index}`,
      });
    else noteError("create conversation", r.reason);
  });
  const reply = numberedReply(options.tokens);
  const scripted = await mapLimit(conversations, SETUP_CONCURRENCY, (c) =>
    addScript(stack.modelServerUrl, {
      id: c.scriptId,
      match: { userIncludes: c.marker },
      steps: [{ text: reply, tokensPerSecond: options.tokensPerSecond }],
    }),
  );
  for (const r of scripted) if (r.status === "rejected") noteError("add script", r.reason);
  await clearLog(stack.modelServerUrl);
  ctx.log(`  ${conversations.length} conversations scripted; opening clients`);

  // 2. Clients before the message: a WebSocket from seq 0 and an SSE listener per conversation.
  const ws = conversations.map(() => new TokenRecorder(options.tokens));
  const sse = conversations.map(() => new TokenRecorder(options.tokens));
  const wsClients: (WsStreamClient | undefined)[] = [];
  const sseClients: (SseStreamClient | undefined)[] = [];
  const closeAll = () => {
    for (const c of wsClients) c?.close();
    for (const c of sseClients) c?.close();
  };
  const processes = new ProcessSampler();
  const connections = new ConnectionSampler(ctx.monitor);
  try {
    const wsOpen = await mapLimit(conversations, SETUP_CONCURRENCY, async (c, i) => {
      const client = new WsStreamClient(
        api.streamUrl(c.id, 0),
        api.accessToken,
        (ws[i] as TokenRecorder).onEvents,
      );
      wsClients[i] = client;
      await withTimeout(client.opened, OPEN_TIMEOUT_MS, "websocket open");
    });
    const sseOpenStart = Date.now();
    const sseOpen = await mapLimit(conversations, SETUP_CONCURRENCY, async (c, i) => {
      const client = new SseStreamClient(
        api.eventsUrl(c.id),
        api.accessToken,
        0,
        (sse[i] as TokenRecorder).onEvents,
      );
      sseClients[i] = client;
      await withTimeout(client.opened, OPEN_TIMEOUT_MS, "sse open");
    });
    const sseOpenSeconds = (Date.now() - sseOpenStart) / 1000;
    for (const r of [...wsOpen, ...sseOpen]) if (r.status === "rejected") noteError("open client", r.reason);
    const setupSeconds = (Date.now() - setupStart) / 1000;

    // 3. Measure from here: statistics baselines, samplers, then every message at nearly the same time.
    await ctx.monitor.resetStatements();
    const before = await ctx.monitor.counters();
    ctx.notifications.start();
    processes.start();
    connections.start();
    ctx.log(`  sending ${conversations.length} messages`);
    const sendStart = Date.now();
    let lastAccepted = sendStart;
    const sent = await Promise.allSettled(
      conversations.map(async (c) => {
        const result = await api.sendMessage(c.id, `Please answer ${c.marker}`);
        lastAccepted = Math.max(lastAccepted, Date.now());
        return result;
      }),
    );
    const accepted = new Set<number>();
    sent.forEach((r, i) => {
      if (r.status === "fulfilled") accepted.add(i);
      else noteError("send message", r.reason);
    });

    // 4. Wait (bounded) for run.completed or run.failed on every client of every accepted message.
    const streamMs = (options.tokens / options.tokensPerSecond) * 1000;
    const deadline = lastAccepted + streamMs + options.timeLimitMs;
    const ended = (recorder: TokenRecorder, client: { isClosed: boolean } | undefined) =>
      recorder.done || client === undefined || client.isClosed;
    const allDone = () =>
      [...accepted].every(
        (i) => ended(ws[i] as TokenRecorder, wsClients[i]) && ended(sse[i] as TokenRecorder, sseClients[i]),
      );
    let workerReloaded = false;
    let lastReloadCheck = 0;
    const finished = () => {
      if (allDone()) return true;
      // Reading /proc for every poll would cost the machine; once a second is enough to stop early.
      if (Date.now() - lastReloadCheck < 1000) return false;
      lastReloadCheck = Date.now();
      workerReloaded = reload.reloaded;
      return workerReloaded;
    };
    const timedOut = !(await pollUntil(finished, deadline, 50)) || (!allDone() && !workerReloaded);
    const wallSeconds = (Date.now() - sendStart) / 1000;
    const wsClosedEarly = ws.filter((r, i) => !r.done && wsClients[i]?.isClosed).length;
    const sseClosedEarly = sse.filter((r, i) => !r.done && sseClients[i]?.isClosed).length;
    // The model log is a ring of the 500 newest replies: read it before anything else asks the model.
    const log = await readLog(stack.modelServerUrl, { limit: 500, timings: true });
    const usage = processes.stop();
    const notifications = ctx.notifications.stop();
    const peak = await connections.stop();
    const statementRows = await ctx.monitor.statements();
    workerReloaded ||= reload.reloaded;
    closeAll();
    if (timedOut) {
      // Runs still going would load the next measurement: stop them and let the worker drain.
      // Sends that timed out on our side may still have started a run, so every conversation counts.
      const unfinished = conversations.map((_, i) => i).filter((i) => !(ws[i] as TokenRecorder).done);
      ctx.log(`  cancelling ${unfinished.length} unfinished runs`);
      await mapLimit(unfinished, SETUP_CONCURRENCY, (i) =>
        api.cancelRun((conversations[i] as { id: string }).id),
      );
      await waitForIdleWorker(20, 120_000);
    }
    ctx.log(
      `  ${workerReloaded ? "WORKER RELOADED" : timedOut ? "TIMED OUT" : "completed"} after ${wallSeconds.toFixed(1)} s; letting statistics settle`,
    );
    await sleep(STATS_SETTLE_MS);
    const after = await ctx.monitor.counters();

    // 5. Latency per token against the model's own write times.
    const byScript = new Map<string, LogEntry>();
    for (const entry of log) if (entry.scriptId) byScript.set(entry.scriptId, entry);
    const wsLatency: number[] = [];
    const sseLatency: number[] = [];
    conversations.forEach((c, i) => {
      const entry = byScript.get(c.scriptId);
      if (!entry) return;
      collectLatency(entry.tokenTimes, ws[i] as TokenRecorder, wsLatency);
      collectLatency(entry.tokenTimes, sse[i] as TokenRecorder, sseLatency);
    });

    const measured = [...accepted].map((i) => ({
      conversationId: (conversations[i] as { id: string }).id,
      runStartedAt: (ws[i] as TokenRecorder).runStartedAt,
      lastTokenAt: (ws[i] as TokenRecorder).lastTokenAt,
    }));
    const measuredIds = new Set(measured.map((m) => m.conversationId));
    const flushes = analyseFlushes(
      notifications.filter((n) => measuredIds.has(n.c)),
      measured,
    );
    const sum = (list: TokenRecorder[], pick: (r: TokenRecorder) => number) =>
      list.reduce((total, r) => total + pick(r), 0);
    const wsTokens = sum(ws, (r) => r.received);
    const tokensExpected = accepted.size * options.tokens;
    const statements = statementRows.length > 0 ? breakdownStatements(statementRows) : null;
    const runsFailed = ws.filter((r) => r.failed).length;
    for (const r of ws) if (r.failed) noteError("run failed", r.failed);
    for (const c of [...wsClients, ...sseClients]) if (c?.error) noteError("client", c.error);
    return {
      label: options.label,
      conversations: options.conversations,
      tokens: options.tokens,
      tokensPerSecond: options.tokensPerSecond,
      setup: {
        conversationsCreated: conversations.length,
        webSocketsOpened: wsOpen.filter((r) => r.status === "fulfilled").length,
        sseListenersOpened: sseOpen.filter((r) => r.status === "fulfilled").length,
        messagesAccepted: accepted.size,
        sendSpreadMs: lastAccepted - sendStart,
        setupSeconds: round(setupSeconds),
        sseOpenSeconds: round(sseOpenSeconds),
      },
      completion: {
        webSocketsCompleted: ws.filter((r) => r.completed).length,
        sseCompleted: sse.filter((r) => r.completed).length,
        webSocketsClosedEarly: wsClosedEarly,
        sseClosedEarly,
        runsFailed,
        timedOut,
        workerReloaded,
        wallSeconds: round(wallSeconds),
      },
      integrity: {
        tokensExpected,
        webSocketTokens: wsTokens,
        sseTokens: sum(sse, (r) => r.received),
        duplicates: sum([...ws, ...sse], (r) => r.duplicates),
        seqGaps: sum([...ws, ...sse], (r) => r.gaps),
        modelLogEntries: byScript.size,
      },
      latencyMs: { webSocket: summarize(wsLatency), sse: summarize(sseLatency) },
      flushes,
      database: {
        appendStatementsPerToken: wsTokens ? round(flushes.appendStatements / wsTokens, 3) : null,
        xactCommit: after.xactCommit - before.xactCommit,
        statements,
        statementsPerToken: statements && wsTokens ? round(statements.total / wsTokens, 3) : null,
        maxConnections: peak?.total ?? 0,
        connectionsAtPeak: peak?.byApplication ?? {},
      },
      processes: usage,
      errors,
    };
  } finally {
    closeAll();
    // Sampling timers must not outlive a failed run.
    processes.stop();
    await connections.stop();
    ctx.notifications.stop();
  }
}

function collectLatency(tokenTimes: readonly number[], recorder: TokenRecorder, into: number[]): void {
  const count = Math.min(tokenTimes.length, recorder.tokens);
  for (let k = 0; k < count; k++) {
    const received = recorder.times[k] as number;
    const written = tokenTimes[k] as number;
    if (!Number.isNaN(received)) into.push(received - written);
  }
}
