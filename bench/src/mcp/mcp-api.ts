import type { AgentToolGrant, McpToolList, ToolCallRecord } from "@switchboard/protocol";
import type { ApiClient } from "../api-client.ts";

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The REST calls of the MCP benchmark, as a client makes them (bearer token, JSON), on top of the shared
 * ApiClient's sign-in. Each answers the parsed body; anything but 2xx throws with the body.
 */
export class McpApi {
  constructor(private readonly api: ApiClient) {}

  /** A custom server by URL (the platform's outbound policy decides whether it may be reached). */
  async addUrlServer(name: string, url: string): Promise<string> {
    const created = await this.#request<{ id: string }>("POST", "/mcp/servers", {
      name,
      url,
      transport: "streamable-http",
    });
    return created.id;
  }

  /** `GET /mcp/servers/:id/tools`: from the cache, or connecting now with `refresh`. */
  listTools(serverId: string, refresh: boolean): Promise<McpToolList> {
    return this.#request("GET", `/mcp/servers/${serverId}/tools${refresh ? "?refresh=true" : ""}`);
  }

  /** `GET /me`: the cheapest authenticated request, the floor under every API figure. */
  me(): Promise<unknown> {
    return this.#request("GET", "/me");
  }

  async createAgent(name: string, instructions: string, tools: AgentToolGrant[]): Promise<string> {
    const agent = await this.#request<{ id: string }>("POST", "/agents", {
      name,
      instructions,
      model: { provider: "demo", name: "demo" },
      tools,
    });
    return agent.id;
  }

  async toolCalls(conversationId: string, runId: string): Promise<ToolCallRecord[]> {
    const list = await this.#request<{ toolCalls: ToolCallRecord[] }>(
      "GET",
      `/conversations/${conversationId}/tool-calls?runId=${runId}`,
    );
    return list.toolCalls;
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.api.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.api.accessToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}
