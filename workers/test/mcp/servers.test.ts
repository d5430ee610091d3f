import { env } from "cloudflare:test";
import type { Credential, McpCatalog, McpServer, McpToolList } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";

interface ErrorBody {
  error: { code: string; message: string; details?: { command?: string } };
}

let token: string;
beforeAll(async () => {
  token = (await registerUser()).accessToken;
});

async function connect(body: Record<string, unknown>, as = token) {
  return api<{ id: string } & ErrorBody>("/mcp/servers", { method: "POST", token: as, body });
}

describe("the MCP marketplace", () => {
  it("lists the catalog with transports and credential fields", async () => {
    const res = await api<McpCatalog>("/mcp/catalog", { token });
    expect(res.status).toBe(200);
    const ids = res.body.entries.map((e) => e.id);
    for (const id of [
      "brave-search",
      "github",
      "filesystem",
      "memory",
      "web",
      "knowledge",
      "everything",
      "workspace",
      "custom",
    ]) {
      expect(ids).toContain(id);
    }
    const brave = res.body.entries.find((e) => e.id === "brave-search");
    expect(brave?.credentialFields.map((f) => f.name)).toEqual(["apiKey"]);
    expect(brave?.transports).toEqual(["stdio"]);
    expect(brave?.command).toContain("brave-search-mcp-server");
    // Internal details (which process serves it) stay server-side.
    expect(JSON.stringify(res.body)).not.toContain('"stdio":{');
  });

  it("needs a signed-in caller", async () => {
    expect((await api("/mcp/catalog")).status).toBe(401);
  });
});

describe("custom servers by URL", () => {
  it("connects over Streamable HTTP, lists the tools and serves them from the cache after", async () => {
    const created = await connect({
      name: "Everything",
      url: env.EVERYTHING_HTTP_URL,
      transport: "streamable-http",
    });
    expect(created.status).toBe(201);
    const fresh = await api<McpToolList>(`/mcp/servers/${created.body.id}/tools`, { token });
    expect(fresh.status).toBe(200);
    expect(fresh.body.cached).toBe(false);
    const names = fresh.body.tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["echo", "get-sum", "trigger-long-running-operation"]));
    expect(fresh.body.tools.find((t) => t.name === "get-sum")?.inputSchema).toMatchObject({ type: "object" });

    const cached = await api<McpToolList>(`/mcp/servers/${created.body.id}/tools`, { token });
    expect(cached.body).toMatchObject({ cached: true, fetchedAt: fresh.body.fetchedAt });
    const refreshed = await api<McpToolList>(`/mcp/servers/${created.body.id}/tools?refresh=true`, { token });
    expect(refreshed.body.cached).toBe(false);

    const server = await api<McpServer>(`/mcp/servers/${created.body.id}`, { token });
    expect(server.body).toMatchObject({
      transport: "streamable-http",
      toolCount: names.length,
      catalogId: "custom",
    });
  });

  it("connects over SSE", async () => {
    const created = await connect({ name: "Everything SSE", url: env.EVERYTHING_SSE_URL, transport: "sse" });
    expect(created.status).toBe(201);
    const tools = await api<McpToolList>(`/mcp/servers/${created.body.id}/tools`, { token });
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((t) => t.name)).toContain("echo");
  });

  it("answers 502 with a reason when the server cannot be reached", async () => {
    const created = await connect({
      name: "Gone",
      url: "http://127.0.0.1:9/mcp",
      transport: "streamable-http",
    });
    expect(created.status).toBe(201);
    const tools = await api<ErrorBody>(`/mcp/servers/${created.body.id}/tools`, { token });
    expect(tools.status).toBe(502);
    expect(tools.body.error.code).toBe("bad_gateway");
    expect(tools.body.error.message).toMatch(/Could not list the server's tools/);
  });

  it.each([
    "http://10.0.0.1/mcp",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:10.0.0.1]/mcp",
    "http://192.168.0.10:8080/mcp",
  ])("refuses %s with url_not_allowed and stores nothing", async (url) => {
    const before = await api<{ servers: McpServer[] }>("/mcp/servers", { token });
    const res = await connect({ name: "Sneaky", url, transport: "streamable-http" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("url_not_allowed");
    expect(res.body.error.message.length).toBeGreaterThan(10);
    const after = await api<{ servers: McpServer[] }>("/mcp/servers", { token });
    expect(after.body.servers.length).toBe(before.body.servers.length);
  });

  it("keeps an inline bearer token in the vault and never returns it", async () => {
    const secret = `tok-${crypto.randomUUID()}`;
    const created = await connect({
      name: "With token",
      url: env.EVERYTHING_HTTP_URL,
      transport: "streamable-http",
      credential: { fields: { bearerToken: secret } },
    });
    expect(created.status).toBe(201);
    const server = await api<McpServer>(`/mcp/servers/${created.body.id}`, { token });
    expect(server.body.credentialId).toBeTruthy();
    const credentials = await api<{ credentials: Credential[] }>("/credentials", { token });
    expect(credentials.body.credentials.find((c) => c.id === server.body.credentialId)?.provider).toBe("mcp");
    for (const path of ["/mcp/servers", `/mcp/servers/${created.body.id}`, "/credentials"]) {
      expect(JSON.stringify((await api(path, { token })).body)).not.toContain(secret);
    }
  });

  it("refuses credential fields the server does not have", async () => {
    const res = await connect({
      name: "Bad fields",
      url: env.EVERYTHING_HTTP_URL,
      transport: "streamable-http",
      credential: { fields: { password: "x" } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/bearerToken or header:<Name>/);
  });
});

describe("catalog servers", () => {
  it("asks for consent to the exact command before enabling a stdio server", async () => {
    const catalog = await api<McpCatalog>("/mcp/catalog", { token });
    const memory = catalog.body.entries.find((e) => e.id === "memory");
    const refused = await connect({ name: "Memory", catalogId: "memory" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("consent_required");
    expect(refused.body.error.details?.command).toBe(memory?.command);
    const wrong = await connect({ name: "Memory", catalogId: "memory", consent: { command: "rm -rf /" } });
    expect(wrong.status).toBe(422);
    const accepted = await connect({
      name: "Memory",
      catalogId: "memory",
      consent: { command: memory?.command },
    });
    expect(accepted.status).toBe(201);
    const server = await api<McpServer>(`/mcp/servers/${accepted.body.id}`, { token });
    expect(server.body).toMatchObject({ catalogId: "memory", transport: "stdio", url: null });
  });

  it("requires the entry's credential fields", async () => {
    const catalog = await api<McpCatalog>("/mcp/catalog", { token });
    const command = catalog.body.entries.find((e) => e.id === "brave-search")?.command;
    const res = await connect({ name: "Brave", catalogId: "brave-search", consent: { command } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/Brave Search API key is required/);
  });

  it("lists the internal web server's tools in-process", async () => {
    const created = await connect({ name: "Web", catalogId: "web" });
    expect(created.status).toBe(201);
    const tools = await api<McpToolList>(`/mcp/servers/${created.body.id}/tools`, { token });
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((t) => t.name)).toEqual(["fetch_url"]);
  });

  it("refuses unknown entries and the custom entry without a URL", async () => {
    expect((await connect({ name: "x", catalogId: "nope" })).status).toBe(422);
    expect((await connect({ name: "x", catalogId: "custom" })).status).toBe(422);
  });
});

describe("who may touch a server", () => {
  it("hides a user's server from others and lets its owner delete it", async () => {
    const created = await connect({ name: "Mine", catalogId: "web" });
    const stranger = (await registerUser()).accessToken;
    expect((await api(`/mcp/servers/${created.body.id}`, { token: stranger })).status).toBe(404);
    expect((await api(`/mcp/servers/${created.body.id}/tools`, { token: stranger })).status).toBe(404);
    expect((await api(`/mcp/servers/${created.body.id}`, { method: "DELETE", token: stranger })).status).toBe(
      404,
    );
    const list = await api<{ servers: McpServer[] }>("/mcp/servers", { token: stranger });
    expect(list.body.servers.map((s) => s.id)).not.toContain(created.body.id);
    expect((await api(`/mcp/servers/${created.body.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api(`/mcp/servers/${created.body.id}`, { token })).status).toBe(404);
  });
});
