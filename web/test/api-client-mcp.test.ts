import { describe, expect, it } from "vitest";
import { ApiClient } from "../src/api/api-client.ts";
import { ApiError } from "../src/api/api-error.ts";
import { SessionStore } from "../src/api/session-store.ts";

const user = { id: "5f0b6f3e-8a9c-4d5e-9f10-0a1b2c3d4e5f", email: "ada@example.com", name: "Ada" };
const serverId = "11111111-1111-4111-8111-111111111111";
const conversationId = "22222222-2222-4222-8222-222222222222";
const runId = "33333333-3333-4333-8333-333333333333";
const NOW = 1_800_000_000_000;

/** A JWT-shaped token that expires in 15 minutes (the client only reads `exp`). */
function token(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "HS256" })}.${encode({ exp: NOW / 1000 + 900 })}.sig`;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function setup(handler: (url: string, init: RequestInit) => Response) {
  const session = new SessionStore(null);
  session.set({ user, accessToken: token(), refreshToken: "r1" });
  const calls: Array<{ method: string; url: string; body: unknown }> = [];
  const api = new ApiClient({
    session,
    now: () => NOW,
    lock: (_name, task) => task(),
    fetch: async (input, init = {}) => {
      calls.push({
        method: init.method ?? "GET",
        url: String(input),
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      return handler(String(input), init);
    },
  });
  return { api, calls };
}

const toolList = {
  serverId,
  tools: [{ name: "read_graph", description: "Read the graph", inputSchema: { type: "object" } }],
  fetchedAt: "2026-01-01T00:00:00.000Z",
  cached: true,
};

describe("ApiClient MCP endpoints", () => {
  it("lists a server's tools from the cache, or refreshed on request", async () => {
    const { api, calls } = setup(() => json(200, toolList));
    await expect(api.mcpTools(serverId)).resolves.toEqual(toolList);
    await api.mcpTools(serverId, { refresh: true });
    expect(calls.map((c) => c.url)).toEqual([
      `/api/v1/mcp/servers/${serverId}/tools`,
      `/api/v1/mcp/servers/${serverId}/tools?refresh=true`,
    ]);
  });

  it("reports an unreachable server as a 502 with the server's message", async () => {
    const { api } = setup(() =>
      json(502, { error: { code: "bad_gateway", message: "Memory did not answer: connection refused" } }),
    );
    const error = await api.mcpTools(serverId, { refresh: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 502,
      code: "bad_gateway",
      message: "Memory did not answer: connection refused",
    });
  });

  it("creates a server with consent and keeps the details of a consent refusal", async () => {
    const body = { name: "Memory", catalogId: "memory", consent: { command: "old" } };
    const { api, calls } = setup(() =>
      json(422, {
        error: {
          code: "consent_required",
          message: "Memory runs a command on the workspace host.",
          details: { command: "MEMORY_FILE_PATH={root}/memory.jsonl mcp-server-memory" },
        },
      }),
    );
    const error = await api.createMcpServer(body).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 422,
      code: "consent_required",
      details: { command: "MEMORY_FILE_PATH={root}/memory.jsonl mcp-server-memory" },
    });
    expect(calls[0]).toEqual({ method: "POST", url: "/api/v1/mcp/servers", body });
  });

  it("returns the new server's id", async () => {
    const { api } = setup(() => json(201, { id: serverId }));
    await expect(
      api.createMcpServer({
        name: "Docs",
        url: "https://docs.example.com/mcp",
        transport: "streamable-http",
      }),
    ).resolves.toEqual({ id: serverId });
  });

  it("loads a conversation's tool calls, optionally of one run", async () => {
    const record = {
      callId: "c1",
      runId,
      agentId: "a1",
      serverId,
      serverName: "Memory",
      tool: "read_graph",
      arguments: { token: "••••" },
      result: "{}",
      isError: false,
      errorCode: null,
      durationMs: 12,
      startedAt: "2026-01-01T00:00:00.000Z",
    };
    const { api, calls } = setup(() => json(200, { toolCalls: [record] }));
    await expect(api.toolCalls(conversationId)).resolves.toEqual([record]);
    await api.toolCalls(conversationId, { runId });
    expect(calls.map((c) => c.url)).toEqual([
      `/api/v1/conversations/${conversationId}/tool-calls`,
      `/api/v1/conversations/${conversationId}/tool-calls?runId=${runId}`,
    ]);
  });

  it("deletes a server", async () => {
    const { api, calls } = setup(() => new Response(null, { status: 204 }));
    await api.deleteMcpServer(serverId);
    expect(calls[0]).toMatchObject({ method: "DELETE", url: `/api/v1/mcp/servers/${serverId}` });
  });
});
