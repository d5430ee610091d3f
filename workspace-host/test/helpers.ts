import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type BridgeClaims, sealBridgeToken } from "@switchboard/protocol";
import {
  type Logger,
  type RunningWorkspaceHost,
  type StartWorkspaceHostOptions,
  startWorkspaceHost,
} from "../src/index.ts";

export const TEST_SECRET = "test-workspace-host-secret-0123456789abcdef";

/** Log lines kept in memory, so tests can assert on children's stderr without noise on the console. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info = (message: string, fields?: Record<string, unknown>) => this.push("info", message, fields);
  warn = (message: string, fields?: Record<string, unknown>) => this.push("warn", message, fields);
  error = (message: string, fields?: Record<string, unknown>) => this.push("error", message, fields);
  private push(level: string, message: string, fields?: Record<string, unknown>) {
    this.lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}`);
    if (process.env.WORKSPACE_HOST_TEST_LOG) console.log(this.lines.at(-1));
  }
}

export interface TestHost extends RunningWorkspaceHost {
  dataDir: string;
  log: MemoryLogger;
  stop(): Promise<void>;
}

/** A host on a free port with its own temporary data directory. */
export async function startTestHost(options: Partial<StartWorkspaceHostOptions> = {}): Promise<TestHost> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "workspace-host-test-")));
  const log = new MemoryLogger();
  const host = await startWorkspaceHost({ port: 0, secret: TEST_SECRET, dataDir, log, ...options });
  return {
    ...host,
    dataDir,
    log,
    async stop() {
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Claims for one platform server of one owner; override what a test is about. */
export function claims(overrides: Partial<BridgeClaims> = {}): BridgeClaims {
  return {
    sub: randomUUID(),
    srv: randomUUID(),
    cat: "everything",
    own: `team:${randomUUID()}`,
    env: {},
    ...overrides,
  };
}

export const token = (c: BridgeClaims, secret = TEST_SECRET) => sealBridgeToken(secret, c);

export const stdioUrl = (host: { url: string }, catalogId: string) =>
  new URL(`${host.url}/mcp/stdio/${catalogId}`);
export const workspaceUrl = (host: { url: string }) => new URL(`${host.url}/mcp/workspace`);

/** The real SDK client, connected with the bearer token in `requestInit.headers`. */
export async function connect(
  url: URL,
  bearer: string,
  options: ClientOptions = {},
  setup?: (client: Client) => void,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "workspace-host-test", version: "1.0.0" }, options);
  setup?.(client);
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { authorization: `Bearer ${bearer}` } },
  });
  await client.connect(transport);
  return { client, transport };
}

/** A raw Streamable HTTP POST, for asserting status codes the SDK client turns into exceptions. */
export function post(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

export const initializeBody = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw-test", version: "1.0.0" },
  },
};

/** Resolves when `check` holds, polling; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The text blocks of a tool result, joined (callTool's union type includes the legacy `toolResult` shape). */
export const textOf = (result: unknown) =>
  (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
