import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type RunningStack, repoRoot, startStack } from "@switchboard/dev/stack";
import { snapshotHead } from "./code-snapshot.ts";
import { preinitDatabase } from "./database-preinit.ts";
import { setWorkerPort } from "./process-stats.ts";

/** Ports away from the defaults, so the benchmark can run next to `npm start`. */
export const BENCH_PORTS = {
  worker: 18787,
  relay: 18788,
  workspaceHost: 18789,
  modelServer: 18790,
  postgres: 18791,
};

/**
 * The per-user limits (3 concurrent replies, 20 messages a minute, bursts of 10) exist to stop abuse, and
 * would refuse all but 3 of the benchmark's N simultaneous conversations of one user. The benchmark
 * measures streaming capacity, so it raises them; the report says so.
 */
export const BENCH_WORKER_ENV = {
  RATE_CONCURRENT_RUNS: "100000",
  RATE_CHAT_PER_MINUTE: "100000",
  RATE_CHAT_BURST: "100000",
};

export interface BenchStack extends RunningStack {
  dataDir: string;
  /** Whether pg_stat_statements could be preloaded (statement counts by query). */
  statementStats: boolean;
  /** Where the stack's code runs from: the working tree, or a snapshot of HEAD (`--snapshot`). */
  code: { root: string; snapshotOf: string | undefined };
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", () => reject(new Error(`port ${port} is in use; stop whatever runs there first`)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/**
 * The real platform (embedded PostgreSQL, relay, model server, workspace-host, the worker under wrangler
 * dev) in a throwaway data directory. `stop()` stops every process group and removes the directory.
 */
export async function startBenchStack(options: { verbose: boolean; snapshot: boolean }): Promise<BenchStack> {
  for (const port of Object.values(BENCH_PORTS)) await assertPortFree(port);
  const stamp = new Date().toISOString().replaceAll(/[:.]/g, "-");
  const dataDir = path.join(repoRoot, ".data", `bench-${stamp}`);
  const log = options.verbose ? (line: string) => console.log(`postgres | ${line}`) : () => undefined;
  let statementStats = false;
  try {
    statementStats = await preinitDatabase(path.join(dataDir, "pg"), log);
  } catch (error) {
    // The stack initialises the cluster itself then; statement counts fall back to NOTIFY and commits.
    console.warn(`could not pre-initialise PostgreSQL with pg_stat_statements: ${String(error)}`);
  }
  setWorkerPort(BENCH_PORTS.worker);
  let stack: RunningStack;
  let code: BenchStack["code"] = { root: repoRoot, snapshotOf: undefined };
  try {
    let start = startStack;
    if (options.snapshot) {
      const snapshot = await snapshotHead(path.join(dataDir, "code"));
      code = { root: snapshot.root, snapshotOf: snapshot.commit };
      // The snapshot's own stack module, so every service (and its repoRoot) runs from the copy.
      const module = (await import(
        pathToFileURL(path.join(snapshot.root, "dev/src/stack/index.ts")).href
      )) as typeof import("@switchboard/dev/stack");
      start = module.startStack;
    }
    const webBuilt = existsSync(path.join(code.root, "web/dist/index.html"));
    stack = await start({
      ports: { ...BENCH_PORTS },
      dataDir,
      persistent: false,
      buildWeb: !webBuilt,
      quiet: !options.verbose,
      workerEnv: BENCH_WORKER_ENV,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...stack,
    dataDir,
    statementStats,
    code,
    async stop() {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
