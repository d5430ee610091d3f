import { waitForHttp } from "@switchboard/dev/stack";
import { ApiClient } from "./api-client.ts";
import type { BenchContext } from "./context.ts";
import { DatabaseMonitor, NotificationRecorder } from "./database-monitor.ts";
import { errorMessage, sleep } from "./limits.ts";
import { describeMachine } from "./machine.ts";
import { type BenchPlan, parsePlan, USAGE } from "./plan.ts";
import { waitForQuietMachine } from "./process-stats.ts";
import { type BenchResults, writeResults } from "./report.ts";
import { runBaseline } from "./scenario-baseline.ts";
import { runResume } from "./scenario-resume.ts";
import { runStreams } from "./scenario-streams.ts";
import { type BenchStack, startBenchStack } from "./stack-runner.ts";

// `npm run bench [-- --quick]`: starts the real stack, runs the scenarios, writes docs/benchmarks.md.
const parsed = (() => {
  try {
    return parsePlan(process.argv.slice(2));
  } catch (error) {
    console.error(errorMessage(error));
    process.exit(2);
  }
})();
if (parsed === "help") {
  console.log(USAGE);
  process.exit(0);
}
const plan: BenchPlan = parsed;

const startedAt = Date.now();
const log = (line: string) =>
  console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}`);
let stack: BenchStack | undefined;
let monitor: DatabaseMonitor | undefined;
let notifications: NotificationRecorder | undefined;
let stopping: Promise<void> | undefined;

/** Stops everything this run started, once, whatever path gets here first. */
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    await notifications?.close();
    await monitor?.close();
    await stack?.stop().catch((error) => console.error(`stopping the stack: ${errorMessage(error)}`));
  })();
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the stack…`);
    void shutdown().finally(() => process.exit(130));
  });
}
const hardLimit = setTimeout(() => {
  console.error(`the benchmark exceeded its limit of ${plan.hardLimitMs / 60_000} minutes; stopping`);
  void shutdown().finally(() => process.exit(3));
}, plan.hardLimitMs);
hardLimit.unref();

/**
 * Repeats a run that `wrangler dev` disturbed by restarting workerd (someone saved a source file of the
 * worker): such a run measures the restart, not the platform. The last attempt is kept either way.
 */
async function runWithRetries<T extends { othersBeforePercent?: number; voidAttempts?: number }>(
  run: () => Promise<T>,
  disturbed: (result: T) => boolean,
): Promise<T> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const others = await waitForQuietMachine(plan.quietWaitMs, QUIET_THRESHOLD_PERCENT, log);
    const result = await run();
    result.othersBeforePercent = others;
    result.voidAttempts = attempt - 1;
    if (!disturbed(result) || attempt >= attempts) return result;
    log(
      `  the worker was reloaded during the run (a source file changed); repeating (${attempt}/${attempts - 1})`,
    );
    if (stack) await waitForHttp(`${stack.url}/api/v1/openapi.json`, 120_000);
    await sleep(5000);
  }
}

/** Other processes may use this much of one core when a run starts (see waitForQuietMachine). */
const QUIET_THRESHOLD_PERCENT = 30;

let exitCode = 0;
try {
  log(`starting the stack (${plan.quick ? "quick" : "full"} run: ${plan.scenarios.join(", ")})`);
  stack = await startBenchStack({ verbose: plan.verbose, snapshot: plan.snapshot });
  log(
    `stack up at ${stack.url}; pg_stat_statements ${stack.statementStats ? "on" : "off"}; code: ` +
      (stack.code.snapshotOf ? `snapshot of ${stack.code.snapshotOf.slice(0, 7)}` : "working tree"),
  );
  monitor = await DatabaseMonitor.connect(stack.databaseUrl, stack.statementStats);
  notifications = await NotificationRecorder.listen(stack.databaseUrl);
  const api = new ApiClient(stack.url);
  await api.register();
  const agentId = await api.createDemoAgent("Bench agent");
  const ctx: BenchContext = { stack, api, agentId, monitor, notifications, log };
  const results: BenchResults = {
    quick: plan.quick,
    machine: await describeMachine(stack.databaseUrl, stack.code.snapshotOf),
    streams: [],
    resume: undefined,
    baseline: [],
    runSeconds: 0,
  };

  if (plan.scenarios.includes("streams")) {
    for (const options of plan.streams) {
      log(
        `streams ${options.label}: ${options.conversations} conversations × ${options.tokens} tokens at ${options.tokensPerSecond}/s`,
      );
      const result = await runWithRetries(
        () => runStreams(ctx, options),
        (r) => r.completion.workerReloaded,
      );
      results.streams.push(result);
      log(
        `  ws p50/p99 ${result.latencyMs.webSocket.p50}/${result.latencyMs.webSocket.p99} ms, sse p50/p99 ${result.latencyMs.sse.p50}/${result.latencyMs.sse.p99} ms, ` +
          `${result.flushes.appendStatements} flushes, ${result.flushes.perConversationPerSecond.max} max/s/conv`,
      );
    }
  }
  if (plan.scenarios.includes("resume")) {
    log("resume");
    results.resume = await runWithRetries(
      () => runResume(ctx, plan.resume),
      (r) => r.workerReloaded,
    );
  }
  if (plan.scenarios.includes("baseline")) {
    for (const conversations of plan.baseline.conversations) {
      log(`baseline: ${conversations} conversations × ${plan.baseline.tokens} tokens`);
      results.baseline.push(
        await runWithRetries(
          () => runBaseline(ctx, { ...plan.baseline, conversations }),
          () => false,
        ),
      );
    }
  }
  results.runSeconds = Math.round((Date.now() - startedAt) / 1000);
  if (plan.write) {
    const files = await writeResults(results);
    log(`wrote ${files.join(" and ")}`);
  }
  log(`done in ${results.runSeconds} s`);
} catch (error) {
  console.error(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  exitCode = 1;
} finally {
  await shutdown();
}
process.exit(exitCode);
