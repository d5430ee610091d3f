import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);

/** One check of a scenario's `checks.json`, as the suite writes it. */
interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  description?: string;
  errorMessage?: string;
}

/** The suite's verdict on one server scenario. */
export interface ServerScenarioResult {
  scenario: string;
  checksPassed: number;
  checksFailed: number;
  warnings: number;
  /** The first failed check's message, for the report. */
  firstFailure?: string | undefined;
}

export interface ServerSuiteRun {
  /** Sorted by scenario name. */
  results: ServerScenarioResult[];
  /** The suite's console output (it exits 1 whenever a scenario fails, which is expected: read `results`). */
  output: string;
}

function conformanceBin(): string {
  return path.join(
    path.dirname(require.resolve("@modelcontextprotocol/conformance/package.json")),
    "dist/index.js",
  );
}

/**
 * Runs the suite in server mode against `url`: the named scenarios (each its own run, concurrently), or
 * without names the whole active suite in one run. Asynchronous on purpose: the server under test usually
 * lives in this process and must keep serving meanwhile.
 * @example const { results } = await runServerScenarios(served.url, { scenarios: ["tools-list"] });
 */
export async function runServerScenarios(
  url: string,
  options: { scenarios?: string[]; timeoutMs?: number } = {},
): Promise<ServerSuiteRun> {
  const outDir = await mkdtemp(path.join(tmpdir(), "mcp-conformance-server-"));
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const args = [conformanceBin(), "server", "--url", url, "-o", outDir];
  try {
    const runs = options.scenarios
      ? options.scenarios.map((scenario) => run([...args, "--scenario", scenario], timeoutMs))
      : [run(args, timeoutMs)];
    const output = (await Promise.all(runs)).join("\n");
    return { results: await readResults(outDir), output };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** `<out>/server-<scenario>-<timestamp>/checks.json`, one per scenario that ran. */
async function readResults(outDir: string): Promise<ServerScenarioResult[]> {
  const results: ServerScenarioResult[] = [];
  for (const dir of (await readdir(outDir)).sort()) {
    const file = path.join(outDir, dir, "checks.json");
    if (!existsSync(file)) continue;
    const scenario = dir.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
    const checks = JSON.parse(await readFile(file, "utf8")) as Check[];
    const failures = checks.filter((c) => c.status === "FAILURE");
    results.push({
      scenario,
      checksPassed: checks.filter((c) => c.status === "SUCCESS").length,
      checksFailed: failures.length,
      warnings: checks.filter((c) => c.status === "WARNING").length,
      firstFailure: failures[0] ? (failures[0].errorMessage ?? failures[0].description) : undefined,
    });
  }
  return results;
}

function run(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.once("error", reject);
    child.once("close", () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}
