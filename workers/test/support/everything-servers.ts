import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";
import { startListChangingServer } from "./list-changing-server.ts";

/**
 * The protocol's reference server (`@modelcontextprotocol/server-everything`) over Streamable HTTP and
 * over SSE, as real peers for the worker's MCP client. Each runs in its own Node process on loopback.
 */
export default async function setup(project: TestProject) {
  const entry = createRequire(import.meta.url).resolve(
    "@modelcontextprotocol/server-everything/dist/index.js",
  );
  const started: ChildProcess[] = [];
  const start = async (mode: "streamableHttp" | "sse", path: string) => {
    const port = await freePort();
    const child = spawn(process.execPath, [entry, mode], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    started.push(child);
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    await waitFor(`http://127.0.0.1:${port}${path}`, () => stderr);
    return `http://127.0.0.1:${port}${path}`;
  };
  project.provide("everythingHttpUrl", await start("streamableHttp", "/mcp"));
  project.provide("everythingSseUrl", await start("sse", "/sse"));
  const listChanging = await startListChangingServer();
  project.provide("listChangingUrl", listChanging.url);
  return async () => {
    for (const child of started) child.kill("SIGTERM");
    await listChanging.close();
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor(url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      // Any HTTP answer means the server listens; the MCP handshake is the tests' business.
      const res = await fetch(url, { method: "GET", signal: AbortSignal.timeout(500) });
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`MCP test server at ${url} did not start:\n${log()}`);
}

declare module "vitest" {
  export interface ProvidedContext {
    everythingHttpUrl: string;
    everythingSseUrl: string;
    listChangingUrl: string;
  }
}
