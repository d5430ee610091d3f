import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type RunningStack, repoRoot, startStack } from "@switchboard/dev/stack";
import { ApiClient } from "../api-client.ts";
import { describeMachine } from "../machine.ts";
import { ReloadDetector, setWorkerPort, waitForQuietMachine } from "../process-stats.ts";
import { BENCH_WORKER_ENV } from "../stack-runner.ts";
import { type EverythingServer, startEverythingServer } from "./everything-server.ts";
import { McpApi } from "./mcp-api.ts";
import { measureNodeOverhead } from "./node-overhead.ts";
import { measureNodeStartup } from "./node-startup.ts";
import { type OneToolServer, startOneToolServer } from "./one-tool-server.ts";
import { renderMcpReport } from "./report.ts";
import type { McpBenchResults } from "./results.ts";
import { stackContext } from "./stack-context.ts";
import { measureStackStartup } from "./stack-startup.ts";
import { measureStackToolCalls } from "./stack-tool-calls.ts";
import { measureStackToolList } from "./stack-tool-list.ts";
import { snapshotWorkingTree } from "./working-tree-snapshot.ts";

/**
 * `npm run bench:mcp`: the MCP tool layer's overhead and lazy loading, against the reference MCP server
 * over Streamable HTTP. Writes docs/benchmarks-mcp.md and bench/results/mcp.json.
 * Flags: `--quick` (fewer samples, no waiting for a quiet machine), `--no-write`, `--verbose`, `--live`
 * (run the stack from the working tree itself instead of a frozen copy of it), `--render` (only re-render
 * the report from bench/results/mcp.json).
 */
const argv = process.argv.slice(2);
if (argv.includes("--render")) {
  // Re-renders the report from the last results, e.g. after a change to its wording.
  const results = JSON.parse(
    await readFile(path.join(repoRoot, "bench/results/mcp.json"), "utf8"),
  ) as McpBenchResults;
  await writeFile(path.join(repoRoot, "docs/benchmarks-mcp.md"), renderMcpReport(results));
  console.log("[bench mcp] re-rendered docs/benchmarks-mcp.md from bench/results/mcp.json");
  process.exit(0);
}
const quick = argv.includes("--quick");
const write = !argv.includes("--no-write");
const verbose = argv.includes("--verbose");
const live = argv.includes("--live");
const plan = quick
  ? { calls: 100, startupRuns: 40, listCount: 60, toolRuns: 5, stackStartupRuns: 5, quietWaitMs: 0 }
  : { calls: 500, startupRuns: 200, listCount: 200, toolRuns: 25, stackStartupRuns: 30, quietWaitMs: 30_000 };

/** Away from `npm start` (8787…) and the other benchmarks (18787…, 19787…), so they can run side by side. */
const PORTS = { worker: 20787, relay: 20788, workspaceHost: 20789, modelServer: 20790, postgres: 20791 };
const EVERYTHING_PORT = 20792;
const HARD_LIMIT_MS = (quick ? 15 : 45) * 60_000;

const log = (line: string) => console.log(`[bench mcp] ${line}`);

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () => reject(new Error(`port ${port} is in use; stop whatever runs there first`)));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

let server: EverythingServer | undefined;
let small: OneToolServer | undefined;
let stack: RunningStack | undefined;
const dataDir = path.join(repoRoot, ".data", `bench-mcp-${Date.now()}`);
let stopping: Promise<void> | undefined;
const shutdown = () => {
  stopping ??= (async () => {
    await stack?.stop().catch((error) => console.error("stopping the stack failed", error));
    await server?.stop().catch((error) => console.error("stopping server-everything failed", error));
    await small?.stop().catch((error) => console.error("stopping the one-tool server failed", error));
    await rm(dataDir, { recursive: true, force: true });
  })();
  return stopping;
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping…`);
    void shutdown().finally(() => process.exit(130));
  });
}
const hardLimit = setTimeout(() => {
  console.error(`the benchmark exceeded its limit of ${HARD_LIMIT_MS / 60_000} minutes; stopping`);
  void shutdown().finally(() => process.exit(3));
}, HARD_LIMIT_MS);
hardLimit.unref();

const started = performance.now();
const others: Record<string, number> = {};
const quiet = async (part: string) => {
  others[part] = await waitForQuietMachine(plan.quietWaitMs, 30, log);
};
let exitCode = 0;
try {
  for (const port of [...Object.values(PORTS), EVERYTHING_PORT]) await assertPortFree(port);
  server = await startEverythingServer(EVERYTHING_PORT);
  log(`server-everything at ${server.url} (${quick ? "quick" : "full"} run)`);

  log("tool call and list overhead, platform code in Node");
  await quiet("node overhead");
  const overhead = await measureNodeOverhead(server.url, plan.calls, log);
  log("run start-up with 5 and 50 servers, platform code in Node");
  await quiet("node start-up");
  const startup = await measureNodeStartup(server, plan.startupRuns, log);

  await mkdir(dataDir, { recursive: true });
  let start = startStack;
  let codeRoot = repoRoot;
  if (!live) {
    // Others edit this tree; wrangler dev would restart workerd mid-run on every save. A frozen copy.
    const snapshot = await snapshotWorkingTree(path.join(dataDir, "code"));
    codeRoot = snapshot.root;
    log(`stack code: a copy of the working tree (${snapshot.files} files) in ${codeRoot}`);
    const module = (await import(
      pathToFileURL(path.join(codeRoot, "dev/src/stack/index.ts")).href
    )) as typeof import("@switchboard/dev/stack");
    start = module.startStack;
  }
  log("starting the stack");
  stack = await start({
    ports: PORTS,
    dataDir,
    persistent: false,
    buildWeb: !existsSync(path.join(codeRoot, "web/dist/index.html")),
    quiet: !verbose,
    workerEnv: BENCH_WORKER_ENV,
  });
  setWorkerPort(PORTS.worker);
  const reloads = new ReloadDetector();
  const api = new ApiClient(stack.url);
  await api.register();
  const mcp = new McpApi(api);
  const everythingId = await mcp.addUrlServer("everything", server.url);
  await mcp.listTools(everythingId, true);
  const ctx = stackContext({ stack, api, mcp, server, everythingId, log });

  log("tool list through the API");
  await quiet("stack tool list");
  const toolList = await measureStackToolList(ctx, plan.listCount);
  log("tool calls inside workerd");
  await api.refresh();
  await quiet("stack tool calls");
  const toolCalls = await measureStackToolCalls(ctx, plan.toolRuns);
  log("run start-up through the stack");
  await api.refresh();
  await quiet("stack start-up");
  small = await startOneToolServer();
  const stackStartup = await measureStackStartup(ctx, small, plan.stackStartupRuns);

  const results: McpBenchResults = {
    machine: await describeMachine(stack.databaseUrl, undefined),
    quick,
    stackCode: live ? "working tree" : "working-tree copy",
    runSeconds: Math.round((performance.now() - started) / 1000),
    othersCpuPercent: others,
    workerReloaded: reloads.reloaded,
    node: { overhead, startup },
    stack: { toolList, toolCalls, startup: stackStartup },
  };
  const markdown = renderMcpReport(results);
  if (write) {
    await writeFile(path.join(repoRoot, "docs/benchmarks-mcp.md"), markdown);
    await writeFile(path.join(repoRoot, "bench/results/mcp.json"), `${JSON.stringify(results, null, 2)}\n`);
    log("wrote docs/benchmarks-mcp.md and bench/results/mcp.json");
  } else {
    console.log(markdown);
  }
  log(
    `tool call overhead p50: ${overhead.toolCall.overhead.p50Ms} ms in Node; ` +
      `${toolCalls.platformWarm.p50} ms recorded in workerd vs ${toolCalls.directWarm.p50Ms} ms direct; ` +
      `${results.runSeconds} s in all`,
  );
} catch (error) {
  exitCode = 1;
  console.error("the MCP benchmark failed:", error);
  if (server) console.error(`server-everything's last lines:\n${server.recentLog()}`);
} finally {
  await shutdown();
}
process.exit(exitCode);
