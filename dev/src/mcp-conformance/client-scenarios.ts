import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The client under test: the platform's MCP client behind the suite's command-line contract. */
export const PLATFORM_CLIENT = path.join(repoRoot, "dev/bin/mcp-conformance-client.ts");

/** One check of a scenario's `checks.json`, as the suite writes it. */
interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  description?: string;
  errorMessage?: string;
}

/** The suite's verdict on one scenario. */
export interface ScenarioResult {
  scenario: string;
  /** The suite's overall verdict: no failed check, no warning, the client exited cleanly in time. */
  passed: boolean;
  checksPassed: number;
  checksFailed: number;
  warnings: number;
  /** The first failed check's (or warning's) description, for the report. */
  firstProblem?: string | undefined;
}

/** The installed suite's version, for the report. */
export function conformanceVersion(): string {
  return (require("@modelcontextprotocol/conformance/package.json") as { version: string }).version;
}

function conformanceBin(): string {
  return path.join(
    path.dirname(require.resolve("@modelcontextprotocol/conformance/package.json")),
    "dist/index.js",
  );
}

/** Every client scenario the installed suite knows (`conformance list`, its "Client scenarios" part). */
export async function listClientScenarios(): Promise<string[]> {
  const { stdout } = await run(process.execPath, [conformanceBin(), "list"], 30_000);
  const part = stdout.split(/^Client scenarios.*$/m)[1] ?? "";
  return [...part.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1] ?? "").filter(Boolean);
}

/**
 * Runs one scenario of the suite against the platform's client and reads its checks.
 * @example const result = await runClientScenario("tools_call"); result.passed // true
 */
export async function runClientScenario(
  scenario: string,
  options: { timeoutMs?: number } = {},
): Promise<ScenarioResult> {
  const outDir = await mkdtemp(path.join(tmpdir(), "mcp-conformance-client-"));
  try {
    const tsx = path.join(path.dirname(require.resolve("tsx/package.json")), "dist/cli.mjs");
    // The suite splits --command on spaces and runs it in a shell; the server URL is appended.
    const command = `${process.execPath} ${tsx} ${PLATFORM_CLIENT}`;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const args = [conformanceBin(), "client", "--command", command, "--scenario", scenario];
    const { code, stderr } = await run(
      process.execPath,
      [...args, "--timeout", String(timeoutMs), "-o", outDir],
      timeoutMs + 30_000,
    );
    const checks = await readChecks(outDir, scenario);
    const failures = checks.filter((c) => c.status === "FAILURE");
    const warnings = checks.filter((c) => c.status === "WARNING");
    const problem = failures[0] ?? warnings[0];
    return {
      scenario,
      passed: code === 0 && failures.length === 0 && warnings.length === 0,
      checksPassed: checks.filter((c) => c.status === "SUCCESS").length,
      checksFailed: failures.length,
      warnings: warnings.length,
      firstProblem: problem ? (problem.errorMessage ?? problem.description) : clientProblem(code, stderr),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Why the suite failed a scenario whose checks all passed: the client timed out or exited with an error. */
function clientProblem(code: number | null, stderr: string): string | undefined {
  if (code === 0) return undefined;
  if (/CLIENT TIMED OUT/.test(stderr)) return "the client timed out";
  const failed = /\[platform-client\] failed: (.*)/.exec(stderr)?.[1];
  return failed ? `the client failed: ${failed}` : `the suite exited with ${code}`;
}

/** `<out>/<scenario>-<timestamp>/checks.json` (an `auth/x` scenario lands in `<out>/auth/x-<timestamp>`). */
async function readChecks(outDir: string, scenario: string): Promise<Check[]> {
  const parent = path.join(outDir, path.dirname(scenario));
  const prefix = `${path.basename(scenario)}-`;
  if (!existsSync(parent)) return [];
  const dir = (await readdir(parent)).find(
    (name) => name.startsWith(prefix) && /\d{4}-\d{2}-\d{2}T/.test(name),
  );
  if (!dir) return [];
  const file = path.join(parent, dir, "checks.json");
  return existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Check[]) : [];
}

function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
