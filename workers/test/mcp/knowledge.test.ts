import { env } from "cloudflare:test";
import { createDatabase } from "@switchboard/db/client";
import { connectMcpServer } from "@switchboard/durable-objects/mcp";
import type { Agent, McpToolList, StreamEvent, Team, TeamMember } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";
import { runFinished, StreamClient } from "../helpers/stream-client.ts";

// The internal "Knowledge base" server (durable-objects/src/mcp/internal/knowledge-server.ts), driven the
// way a user drives it: enable the catalog entry, grant its tools to an agent, let the scripted model call them.

type ToolResult = Extract<StreamEvent, { type: "tool.result" }>;

interface SearchHit {
  id: string;
  title: string;
  teamId: string | null;
  rank: number;
  snippet: string;
}

const unique = () => crypto.randomUUID().slice(0, 8);

async function enableKnowledge(token: string): Promise<string> {
  const server = await api<{ id: string }>("/mcp/servers", {
    method: "POST",
    token,
    body: { name: "Knowledge base", catalogId: "knowledge" },
  });
  expect(server.status, JSON.stringify(server.body)).toBe(201);
  return server.body.id;
}

async function script(userIncludes: string, steps: unknown[]): Promise<void> {
  const res = await fetch(`${env.MODEL_SERVER_URL}/_scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: { userIncludes }, steps }),
  });
  expect(res.status).toBe(201);
}

/** A conversation with an agent holding all of the server's tools. */
async function conversationWith(token: string, serverId: string): Promise<string> {
  const agent = await api<Agent>("/agents", {
    method: "POST",
    token,
    body: { name: "Librarian", model: { provider: "demo", name: "demo" }, tools: [{ serverId }] },
  });
  expect(agent.status, JSON.stringify(agent.body)).toBe(201);
  const conversation = await api<{ id: string }>("/conversations", {
    method: "POST",
    token,
    body: { agentId: agent.body.id },
  });
  return conversation.body.id;
}

/** Scripts the model to make these tool calls, one step each, and returns the tool results in order. */
async function callTools(
  token: string,
  serverId: string,
  calls: { tool: string; arguments: Record<string, unknown> }[],
): Promise<ToolResult[]> {
  const marker = `knowledge-run-${unique()}`;
  await script(marker, [
    ...calls.map((call, i) => ({
      toolCalls: [{ id: `call_${i}`, name: `knowledge_base__${call.tool}`, arguments: call.arguments }],
    })),
    { text: "Done." },
  ]);
  const conversationId = await conversationWith(token, serverId);
  const client = await StreamClient.open(conversationId, token, 0);
  const sent = await api(`/conversations/${conversationId}/messages`, {
    method: "POST",
    token,
    body: { content: `please ${marker}` },
  });
  expect(sent.status).toBe(202);
  await client.until(runFinished);
  client.close();
  expect(client.events.at(-1)?.type).toBe("run.completed");
  return client.events.filter((e): e is ToolResult => e.type === "tool.result");
}

const hits = (result: ToolResult | undefined): SearchHit[] =>
  (JSON.parse(result?.output ?? "{}") as { results: SearchHit[] }).results;

describe("the Knowledge base server", () => {
  let token: string;
  let userId: string;
  let serverId: string;

  beforeAll(async () => {
    const user = await registerUser();
    token = user.accessToken;
    userId = user.user.id;
    serverId = await enableKnowledge(token);
  });

  it("is in the catalog and lists its tools", async () => {
    const catalog = await api<{ entries: { id: string; name: string; runsOn: string }[] }>("/mcp/catalog", {
      token,
    });
    expect(catalog.body.entries.find((e) => e.id === "knowledge")).toMatchObject({
      name: "Knowledge base",
      runsOn: "platform",
    });
    const tools = await api<McpToolList>(`/mcp/servers/${serverId}/tools`, { token });
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((t) => t.name).sort()).toEqual([
      "add_document",
      "get_document",
      "list_documents",
      "search_documents",
    ]);
    const search = tools.body.tools.find((t) => t.name === "search_documents");
    expect(search?.inputSchema).toMatchObject({ properties: { query: { description: expect.any(String) } } });
  });

  it("adds two documents in a run, then finds the right one with a snippet and reads it", async () => {
    const tag = unique();
    const results = await callTools(token, serverId, [
      {
        tool: "add_document",
        arguments: {
          title: `Returns policy ${tag}`,
          content: "Customers may return unopened hardware within thirty days for a full refund.",
        },
      },
      {
        tool: "add_document",
        arguments: {
          title: `Office plants ${tag}`,
          content: "Water the ferns on Mondays; the cactus needs water once a month.",
        },
      },
      { tool: "search_documents", arguments: { query: `refunds ${tag}` } },
      { tool: "search_documents", arguments: { query: `"full refund" -cactus` } },
    ]);
    expect(results.map((r) => r.isError)).toEqual([false, false, false, false]);
    const added = JSON.parse(results[0]?.output ?? "{}") as { id: string; teamId: string | null };
    expect(added.teamId).toBeNull();

    // "refunds" stems to the body's "refund"; the tag matches the title as written.
    const [found, ...others] = hits(results[2]);
    expect(others).toEqual([]);
    expect(found).toMatchObject({ id: added.id, title: `Returns policy ${tag}` });
    expect(found?.snippet).toMatch(/<b>refund<\/b>/);
    expect(hits(results[3]).map((h) => h.id)).toContain(added.id);

    const [read, listed] = await callTools(token, serverId, [
      { tool: "get_document", arguments: { id: added.id } },
      { tool: "list_documents", arguments: {} },
    ]);
    expect(JSON.parse(read?.output ?? "{}")).toMatchObject({
      id: added.id,
      content: expect.stringMatching(/^Customers/),
    });
    const titles = (JSON.parse(listed?.output ?? "{}") as { documents: { title: string }[] }).documents.map(
      (d) => d.title,
    );
    expect(titles).toEqual(expect.arrayContaining([`Returns policy ${tag}`, `Office plants ${tag}`]));
  });

  it("says what is wrong instead of failing: unknown ids, oversized content", async () => {
    const [missing] = await callTools(token, serverId, [
      { tool: "get_document", arguments: { id: crypto.randomUUID() } },
    ]);
    expect(missing).toMatchObject({ isError: true });
    expect(missing?.output).toMatch(/No document .* this user can read/);

    // 1 MB of arguments is sent straight to the server, not streamed through the scripted model.
    const client = await connectMcpServer(
      {
        id: serverId,
        name: "Knowledge base",
        transport: "streamable-http",
        url: null,
        catalogId: "knowledge",
        credentialId: null,
        ownerKey: `user:${userId}`,
      },
      {
        userId,
        db: createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT }),
        guardedFetch: fetch,
        credentialFields: async () => ({}),
      },
    );
    try {
      const huge = await client.callTool({
        name: "add_document",
        arguments: { title: "Huge", content: "é".repeat(600_000) },
      });
      expect(huge.isError).toBe(true);
      expect(JSON.stringify(huge.content)).toMatch(
        /1200000 bytes; a document holds at most 1048576 .*Split it/,
      );
      const blank = await client.callTool({ name: "add_document", arguments: { title: " ", content: "x" } });
      expect(blank.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("never shows one user's documents to another user's knowledge server", async () => {
    const tag = unique();
    const [mine] = await callTools(token, serverId, [
      {
        tool: "add_document",
        arguments: { title: `Secret plan ${tag}`, content: "Launch on the first of May." },
      },
    ]);
    const added = JSON.parse(mine?.output ?? "{}") as { id: string };

    const stranger = (await registerUser("Stranger")).accessToken;
    const theirServer = await enableKnowledge(stranger);
    const [search, read] = await callTools(stranger, theirServer, [
      { tool: "search_documents", arguments: { query: `secret plan ${tag} launch` } },
      { tool: "get_document", arguments: { id: added.id } },
    ]);
    expect(hits(search)).toEqual([]);
    expect(read).toMatchObject({ isError: true });
    expect(read?.output).not.toContain("May");
  });

  it("shares a team document with team members; a viewer may read but not add", async () => {
    const owner = await registerUser("Owner");
    const team = await api<Team>("/teams", {
      method: "POST",
      token: owner.accessToken,
      body: { name: "Docs" },
    });
    expect(team.status).toBe(201);
    const people: Record<string, string> = {};
    for (const role of ["member", "viewer"] as const) {
      const person = await registerUser(role);
      const added = await api<TeamMember>(`/teams/${team.body.id}/members`, {
        method: "POST",
        token: owner.accessToken,
        body: { email: person.user.email, role },
      });
      expect(added.status).toBe(201);
      people[role] = person.accessToken;
    }

    const tag = unique();
    const ownerServer = await enableKnowledge(owner.accessToken);
    const [shared] = await callTools(owner.accessToken, ownerServer, [
      {
        tool: "add_document",
        arguments: {
          title: `Onboarding ${tag}`,
          content: "New engineers get their laptops from the front desk.",
          teamId: team.body.id,
        },
      },
    ]);
    expect(shared).toMatchObject({ isError: false });
    const doc = JSON.parse(shared?.output ?? "{}") as { id: string; teamId: string };
    expect(doc.teamId).toBe(team.body.id);

    const memberServer = await enableKnowledge(people.member as string);
    const [found] = await callTools(people.member as string, memberServer, [
      { tool: "search_documents", arguments: { query: `laptops ${tag}` } },
    ]);
    expect(hits(found)).toMatchObject([{ id: doc.id, teamId: team.body.id }]);

    const viewerServer = await enableKnowledge(people.viewer as string);
    const [viewerSearch, viewerAdd] = await callTools(people.viewer as string, viewerServer, [
      { tool: "search_documents", arguments: { query: `laptop ${tag}` } },
      { tool: "add_document", arguments: { title: "Nope", content: "Nope.", teamId: team.body.id } },
    ]);
    expect(hits(viewerSearch).map((h) => h.id)).toEqual([doc.id]);
    expect(viewerAdd).toMatchObject({ isError: true });
    expect(viewerAdd?.output).toMatch(/may not add documents to that team/);
  });
});
