import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

export interface ServedMcpServer {
  /** The Streamable HTTP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** Sessions currently open (each with its own server instance). */
  sessions(): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Serves an MCP server factory over Streamable HTTP on loopback, stateful: every `initialize` gets a fresh
 * server from the factory and its own session, as each Durable Object connection gets its own instance.
 * Only for testing servers that production links in-process (they have no HTTP endpoint of their own).
 * The harness is an unauthenticated localhost server, so it refuses foreign Host and Origin headers
 * (DNS rebinding) like any such server must.
 * @example const served = await serveOverHttp(() => createWebServer({ fetch })); … await served.close();
 */
export async function serveOverHttp(factory: () => McpServer): Promise<ServedMcpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== "/mcp") return reply(res, 404, "Not found");
    if (!isLocalRequest(req)) return reply(res, 403, "Forbidden: non-local Host or Origin");
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (req.method === "POST") {
      const body = await readJson(req);
      if (!body.ok) return jsonRpcError(res, 400, -32700, body.error);
      if (existing) return existing.handleRequest(req, res, body.value);
      if (sessionId !== undefined) return jsonRpcError(res, 404, -32001, "Session not found");
      if (!isInitializeRequest(body.value))
        return jsonRpcError(res, 400, -32000, "Bad Request: no session; send initialize first");
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, transport);
        },
      });
      const server = factory();
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
        void server.close();
      };
      await server.connect(transport);
      return transport.handleRequest(req, res, body.value);
    }
    if (req.method === "GET" || req.method === "DELETE") {
      if (sessionId === undefined) return reply(res, 400, "Bad Request: Mcp-Session-Id header is required");
      if (!existing) return reply(res, 404, "Session not found");
      return existing.handleRequest(req, res);
    }
    res.setHeader("allow", "GET, POST, DELETE");
    return reply(res, 405, "Method not allowed");
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("[serve-over-http]", error);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, "Internal server error");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sessions: () => sessions.size,
    async close() {
      // Open SSE streams never end by themselves: close the sessions first, then the connections.
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/** Host (port aside) and, when sent, Origin must name this machine: a rebound foreign name is refused. */
function isLocalRequest(req: IncomingMessage): boolean {
  const hostname = (value: string) => {
    try {
      return new URL(value).hostname;
    } catch {
      return undefined;
    }
  };
  const host = req.headers.host;
  if (!host || !LOCAL_HOSTNAMES.has(hostname(`http://${host}`) ?? "")) return false;
  const origin = req.headers.origin;
  return origin === undefined || LOCAL_HOSTNAMES.has(hostname(origin) ?? "");
}

async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return { ok: false, error: "Parse error: body too large" };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, error: "Parse error: invalid JSON" };
  }
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

function reply(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}
