import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { RpcCode } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { McpSession, SessionOwner } from "../session-registry.ts";
import type { StdioCommand } from "./launch.ts";
import { MessageRouter } from "./message-router.ts";
import { watchStream } from "./watch-stream.ts";

export interface StdioSessionOptions {
  id: string;
  catalogId: string;
  owner: SessionOwner;
  command: StdioCommand;
  withholdClientRoots: boolean;
  log: Logger;
  /** Called once when the session ends, whatever ended it (DELETE, child exit, idle, shutdown). */
  onClosed: (id: string) => void;
}

/** Longest stderr line copied to the host log; a server dumping a blob must not flood it. */
const MAX_LOG_LINE = 2000;

/**
 * One bridged stdio server: a child process behind the SDK's `StdioClientTransport`, exposed as one
 * Streamable HTTP session by the SDK's `WebStandardStreamableHTTPServerTransport`. The bridge forwards raw
 * JSON-RPC and never speaks MCP itself, so every feature of the server passes through unchanged.
 * @example const session = await StdioSession.start({ id, catalogId: "memory", owner, command, … });
 */
export class StdioSession implements McpSession {
  readonly kind = "stdio" as const;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: StdioSessionOptions,
    private readonly child: StdioClientTransport,
    private readonly server: WebStandardStreamableHTTPServerTransport,
    private readonly router: MessageRouter,
  ) {}

  get id(): string {
    return this.options.id;
  }

  get catalogId(): string {
    return this.options.catalogId;
  }

  get owner(): SessionOwner {
    return this.options.owner;
  }

  get pid(): number | undefined {
    return this.child.pid ?? undefined;
  }

  /** Spawns the child; resolves once it runs (rejects if it cannot be spawned). */
  static async start(options: StdioSessionOptions): Promise<StdioSession> {
    const { id, catalogId, command, log } = options;
    const label = `stdio ${catalogId} ${id.slice(0, 8)}`;
    const child = new StdioClientTransport({
      command: command.command,
      args: command.args,
      env: command.env,
      cwd: command.cwd,
      stderr: "pipe",
    });
    const server = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => id });
    const router = new MessageRouter({
      client: server,
      child,
      withholdClientRoots: options.withholdClientRoots,
      log,
      label,
    });
    const session = new StdioSession(options, child, server, router);

    // With `stderr: "pipe"` the SDK hands out a PassThrough (a Readable) before the child even starts.
    if (child.stderr) {
      createInterface({ input: child.stderr as Readable, crlfDelay: Number.POSITIVE_INFINITY }).on(
        "line",
        (line) => {
          log.info(`[${label}] ${line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE)}…` : line}`);
        },
      );
    }
    child.onmessage = (message) => router.fromChild(message);
    child.onerror = (error) => log.warn(`${label}: stdio error`, { error });
    child.onclose = () => void session.close("the MCP server process exited");
    server.onmessage = (message) => void router.fromClient(message);
    // Closed by the client's DELETE (or by close() below, which is then already under way).
    server.onclose = () => void session.close("closed by the client");

    await server.start();
    try {
      await child.start();
    } catch (error) {
      await session.close("the MCP server process could not be started");
      throw error;
    }
    log.info("mcp stdio session started", { session: id, catalog: catalogId, pid: child.pid });
    return session;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  busy(): boolean {
    return this.router.pending.length > 0;
  }

  async handle(request: Request, options?: { parsedBody?: unknown }): Promise<Response> {
    const response = await this.server.handleRequest(request, options);
    // The standalone stream (GET) is where unsolicited server messages go; follow whether it is open.
    if (request.method === "GET" && response.ok && response.body) {
      this.router.standaloneOpened();
      return watchStream(response, () => this.router.standaloneClosed());
    }
    return response;
  }

  close(reason: string): Promise<void> {
    if (!this.closing) {
      let done: () => void = () => undefined;
      this.closing = new Promise<void>((resolve) => {
        done = resolve;
      });
      this.shutdown(reason).finally(done);
    }
    return this.closing;
  }

  private async shutdown(reason: string): Promise<void> {
    const { id, catalogId, log } = this.options;
    this.options.onClosed(id);
    // Requests the child will never answer get an error now instead of a stream that just ends.
    for (const requestId of this.router.pending) {
      await this.server
        .send({
          jsonrpc: "2.0",
          id: requestId,
          error: { code: RpcCode.internalError, message: `MCP session ended: ${reason}` },
        })
        .catch(() => undefined);
    }
    await this.server.close();
    await this.child.close();
    log.info("mcp stdio session closed", { session: id, catalog: catalogId, reason });
  }
}
