import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "@switchboard/dev/stack";

/** The MCP reference server (`@modelcontextprotocol/server-everything`) over Streamable HTTP, as a child. */
export interface EverythingServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:20792/mcp`. */
  url: string;
  /** MCP sessions the server has initialised so far (it logs one line per `initialize`). */
  readonly sessions: number;
  /** The server's last log lines, for an error message. */
  recentLog(): string;
  stop(): Promise<void>;
}

const ENTRY = "node_modules/@modelcontextprotocol/server-everything/dist/index.js";

/**
 * Starts the reference server on loopback. Its stdout (a line per request) is read and counted, not
 * printed: the count of `Session initialized` lines is how the benchmark sees, from outside the
 * platform, whether anything connected.
 */
export async function startEverythingServer(port: number): Promise<EverythingServer> {
  const child = spawn(process.execPath, [path.join(repoRoot, ENTRY), "streamableHttp"], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let sessions = 0;
  const recent: string[] = [];
  let resolveListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => {
    resolveListening = resolve;
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      if (line.startsWith("Session initialized")) sessions++;
      else if (line.includes("listening on port")) resolveListening();
      if (!line.startsWith("Received MCP")) {
        recent.push(line);
        if (recent.length > 50) recent.shift();
      }
    });
  }
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) =>
      reject(new Error(`server-everything exited with code ${code}:\n${recent.join("\n")}`)),
    ),
  );
  exited.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error("server-everything did not listen within 20 s")), 20_000).unref(),
  );
  await Promise.race([listening, exited, timeout]);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get sessions() {
      return sessions;
    },
    recentLog: () => recent.join("\n"),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Its own process group (detached), so nothing it started outlives it.
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  }, 3000);
  await exit;
  clearTimeout(timer);
}
