import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

/** The smallest useful MCP server: one `echo` tool, so its cached tool list is a few hundred bytes. */
export interface OneToolServer {
  url: string;
  /** `initialize` requests it has answered. */
  readonly sessions: number;
  stop(): Promise<void>;
}

const ECHO: Tool = {
  name: "echo",
  description: "Echoes back the input string",
  inputSchema: {
    type: "object",
    properties: { message: { type: "string", description: "Message to echo" } },
    required: ["message"],
  },
};

function mcpServer(): Server {
  const server = new Server({ name: "bench-one-tool", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [ECHO] }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => ({
    content: [{ type: "text", text: `Echo: ${String(request.params.arguments?.message ?? "")}` }],
  }));
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * A stateless Streamable HTTP server (a fresh MCP server per request, no session id) in this process on
 * loopback. The start-up benchmark points servers at it to tell the cost of a granted server apart from
 * the cost of the size of its cached tool list.
 */
export async function startOneToolServer(): Promise<OneToolServer> {
  let sessions = 0;
  const http = createServer(async (req, res) => {
    if (req.url !== "/mcp" || req.method !== "POST") {
      res.writeHead(req.url === "/mcp" ? 405 : 404).end();
      return;
    }
    try {
      const body = await readJson(req);
      if ((body as { method?: string }).method === "initialize") sessions++;
      const server = mcpServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get sessions() {
      return sessions;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
