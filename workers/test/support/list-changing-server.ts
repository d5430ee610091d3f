import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/**
 * A small MCP server built with the official SDK whose tool list changes at runtime: calling
 * `unlock_extra` registers `extra_tool`, and the SDK sends `notifications/tools/list_changed`. The
 * reference servers on npm never change their tool list on request, so this is how the client's cache
 * invalidation meets a real notification.
 */
export async function startListChangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http: Server = createServer(async (req, res) => {
    const sessionId = req.headers["mcp-session-id"];
    let transport = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (!transport) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => {
          if (transport) sessions.set(id, transport);
        },
      });
      await buildServer().connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

function buildServer(): McpServer {
  const server = new McpServer(
    { name: "list-changing", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } } },
  );
  server.registerTool("unlock_extra", { description: "Registers extra_tool", inputSchema: {} }, async () => {
    server.registerTool(
      "extra_tool",
      { description: "Appears after unlock_extra", inputSchema: { x: z.number().describe("Any number") } },
      async ({ x }) => ({ content: [{ type: "text", text: `extra ${x}` }] }),
    );
    return { content: [{ type: "text", text: "unlocked" }] };
  });
  return server;
}
