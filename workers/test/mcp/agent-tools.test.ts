import { env } from "cloudflare:test";
import { mcpServers } from "@switchboard/db";
import { createDatabase } from "@switchboard/db/client";
import type { Agent, AuditEntry, StreamEvent, ToolCallList } from "@switchboard/protocol";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";
import { runFinished, StreamClient } from "../helpers/stream-client.ts";

let token: string;
let everythingId: string;

beforeAll(async () => {
  token = (await registerUser()).accessToken;
  const created = await api<{ id: string }>("/mcp/servers", {
    method: "POST",
    token,
    body: { name: "Everything", url: env.EVERYTHING_HTTP_URL, transport: "streamable-http" },
  });
  everythingId = created.body.id;
  expect((await api(`/mcp/servers/${everythingId}/tools`, { token })).status).toBe(200);
});

async function script(userIncludes: string, steps: unknown[], id?: string): Promise<void> {
  const res = await fetch(`${env.MODEL_SERVER_URL}/_scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...(id ? { id } : {}), match: { userIncludes }, steps }),
  });
  expect(res.status).toBe(201);
}

interface ModelRequest {
  scriptId?: string;
  stepIndex: number;
  offeredTools: string[];
  toolResults: string[];
}

/** What the model was sent, per request of one script, in step order. */
async function modelRequests(scriptId: string): Promise<ModelRequest[]> {
  const log = (await fetch(`${env.MODEL_SERVER_URL}/_log?limit=100`).then((r) => r.json())) as ModelRequest[];
  return log.filter((entry) => entry.scriptId === scriptId).sort((a, b) => a.stepIndex - b.stepIndex);
}

async function agentWith(tools: unknown) {
  const res = await api<Agent>("/agents", {
    method: "POST",
    token,
    body: { name: "Tool user", instructions: "Use tools.", model: { provider: "demo", name: "demo" }, tools },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const conversation = await api<{ id: string }>("/conversations", {
    method: "POST",
    token,
    body: { agentId: res.body.id },
  });
  return { agent: res.body, conversationId: conversation.body.id };
}

async function run(conversationId: string, content: string): Promise<StreamEvent[]> {
  const client = await StreamClient.open(conversationId, token, 0);
  const sent = await api(`/conversations/${conversationId}/messages`, {
    method: "POST",
    token,
    body: { content },
  });
  expect(sent.status).toBe(202);
  await client.until(runFinished);
  client.close();
  return client.events;
}

describe("agents with MCP tools", () => {
  it("stores the grants and refuses servers and tools that do not exist", async () => {
    const { agent } = await agentWith([{ serverId: everythingId, names: ["get-sum"] }]);
    expect(agent.tools).toEqual([{ serverId: everythingId, names: ["get-sum"] }]);
    const unknownServer = await api("/agents", {
      method: "POST",
      token,
      body: {
        name: "x",
        model: { provider: "demo", name: "demo" },
        tools: [{ serverId: crypto.randomUUID() }],
      },
    });
    expect(unknownServer.status).toBe(422);
    const unknownTool = await api<{ error: { message: string } }>(`/agents/${agent.id}`, {
      method: "PATCH",
      token,
      body: { tools: [{ serverId: everythingId, names: ["no-such-tool"] }] },
    });
    expect(unknownTool.status).toBe(422);
    expect(unknownTool.body.error.message).toMatch(/no tool named no-such-tool/);
    const stranger = (await registerUser()).accessToken;
    const foreign = await api("/agents", {
      method: "POST",
      token: stranger,
      body: { name: "x", model: { provider: "demo", name: "demo" }, tools: [{ serverId: everythingId }] },
    });
    expect(foreign.status).toBe(422);
  });

  it("calls a granted tool during a run, streams and records the call with its duration", async () => {
    const { agent, conversationId } = await agentWith([
      { serverId: everythingId, names: ["get-sum", "echo"] },
    ]);
    await script(
      "sum-two-numbers",
      [
        { toolCalls: [{ id: "call_sum_1", name: "everything__get_sum", arguments: { a: 2, b: 3 } }] },
        { text: "The sum is 5." },
      ],
      "tool-call-sum",
    );
    const events = await run(conversationId, "please sum-two-numbers");
    const call = events.find((e) => e.type === "tool.call");
    const result = events.find((e) => e.type === "tool.result");
    expect(call).toMatchObject({
      name: "everything__get_sum",
      serverId: everythingId,
      tool: "get-sum",
      callId: "call_sum_1",
    });
    expect(result).toMatchObject({ callId: "call_sum_1", isError: false });
    expect(result?.type === "tool.result" && result.output).toMatch(/5/);
    expect(result?.type === "tool.result" && typeof result.durationMs).toBe("number");
    expect(events.at(-1)?.type).toBe("run.completed");

    const [first] = await modelRequests("tool-call-sum");
    expect(first?.offeredTools.sort()).toEqual(["everything__echo", "everything__get_sum"]);

    const recorded = await api<ToolCallList>(`/conversations/${conversationId}/tool-calls`, { token });
    expect(recorded.status).toBe(200);
    expect(recorded.body.toolCalls).toHaveLength(1);
    expect(recorded.body.toolCalls[0]).toMatchObject({
      callId: "call_sum_1",
      agentId: agent.id,
      serverId: everythingId,
      serverName: "Everything",
      tool: "get-sum",
      arguments: { a: 2, b: 3 },
      isError: false,
      errorCode: null,
    });
    const audit = await api<{ entries: AuditEntry[] }>("/audit?action=tool.called", { token });
    expect(audit.body.entries.some((e) => e.targetId !== null && e.details?.tool === "get-sum")).toBe(true);
  });

  it("turns wrong arguments into a structured error the model reads, and the run goes on", async () => {
    const { conversationId } = await agentWith([{ serverId: everythingId, names: ["get-sum"] }]);
    await script(
      "sum-with-strings",
      [
        { toolCalls: [{ id: "call_bad_1", name: "everything__get_sum", arguments: { a: "two", b: 3 } }] },
        { toolCalls: [{ id: "call_good_1", name: "everything__get_sum", arguments: { a: 2, b: 3 } }] },
        { text: "Fixed it: 5." },
      ],
      "tool-call-bad-args",
    );
    const events = await run(conversationId, "sum-with-strings please");
    const results = events.filter((e) => e.type === "tool.result");
    expect(results.map((r) => r.type === "tool.result" && r.isError)).toEqual([true, false]);
    const failed = results[0];
    expect(failed?.type === "tool.result" && failed.errorCode).toMatch(/invalid_arguments|tool_failed/);
    const parsed = JSON.parse(failed?.type === "tool.result" ? failed.output : "{}");
    expect(parsed.error.tool).toBe("everything__get_sum");
    expect(parsed.error.message).toMatch(/a/);
    // The model saw the structured error as the tool's output before its corrected call.
    const [, second] = await modelRequests("tool-call-bad-args");
    expect(second?.toolResults.join("\n")).toContain('"code":"invalid_arguments"');
    expect(events.at(-1)?.type).toBe("run.completed");
  });

  it("reports an unreachable server to the model after one retry instead of failing the run", async () => {
    const twin = await api<{ id: string }>("/mcp/servers", {
      method: "POST",
      token,
      body: { name: "Flaky", url: env.EVERYTHING_HTTP_URL, transport: "streamable-http" },
    });
    expect((await api(`/mcp/servers/${twin.body.id}/tools`, { token })).status).toBe(200);
    // The tool list is cached; now the server goes away (nothing listens on the discard port).
    const db = createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT });
    await db.update(mcpServers).set({ url: "http://127.0.0.1:9/mcp" }).where(eq(mcpServers.id, twin.body.id));
    const { conversationId } = await agentWith([{ serverId: twin.body.id, names: ["echo"] }]);
    await script("echo-on-a-dead-server", [
      { toolCalls: [{ id: "call_dead_1", name: "flaky__echo", arguments: { message: "hi" } }] },
      { text: "The server is down." },
    ]);
    const events = await run(conversationId, "echo-on-a-dead-server");
    const result = events.find((e) => e.type === "tool.result");
    expect(result).toMatchObject({ isError: true, errorCode: "transport_error" });
    expect(events.at(-1)?.type).toBe("run.completed");
  });

  it("lets a manager agent create agents through the internal agents server, as its user", async () => {
    const server = await api<{ id: string }>("/mcp/servers", {
      method: "POST",
      token,
      body: { name: "Switchboard agents", catalogId: "agents" },
    });
    expect(server.status).toBe(201);
    expect((await api(`/mcp/servers/${server.body.id}/tools`, { token })).status).toBe(200);
    const { conversationId } = await agentWith([
      { serverId: server.body.id, names: ["create_agent", "list_agents"] },
    ]);
    const name = `Made by manager ${crypto.randomUUID().slice(0, 8)}`;
    await script("hire-a-researcher", [
      {
        toolCalls: [
          {
            id: "call_make_1",
            name: "switchboard_agents__create_agent",
            arguments: { name, instructions: "Research." },
          },
        ],
      },
      { text: "Hired." },
    ]);
    const events = await run(conversationId, "hire-a-researcher");
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({ isError: false });
    const mine = await api<{ agents: Agent[] }>("/agents", { token });
    expect(mine.body.agents.find((a) => a.name === name)).toMatchObject({
      teamId: null,
      model: { provider: "demo" },
    });
    // Another user's list does not show it: the tool acted with this user's rights only.
    const stranger = (await registerUser()).accessToken;
    const theirs = await api<{ agents: Agent[] }>("/agents", { token: stranger });
    expect(theirs.body.agents.map((a) => a.name)).not.toContain(name);
  });
});
