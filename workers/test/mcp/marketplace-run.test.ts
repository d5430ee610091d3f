import { env } from "cloudflare:test";
import type { McpCatalog, McpToolList, StreamEvent } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";
import { runFinished, StreamClient } from "../helpers/stream-client.ts";

// Memory and Filesystem are the reference stdio servers from npm; they run on the workspace host (started
// by the global setup) and reach the Durable Object through its Streamable HTTP bridge.

let token: string;
let catalog: McpCatalog;

beforeAll(async () => {
  token = (await registerUser()).accessToken;
  catalog = (await api<McpCatalog>("/mcp/catalog", { token })).body;
});

async function enable(catalogId: string, name: string): Promise<string> {
  const command = catalog.entries.find((e) => e.id === catalogId)?.command;
  const res = await api<{ id: string }>("/mcp/servers", {
    method: "POST",
    token,
    body: { name, catalogId, consent: { command } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function runScript(tools: unknown, userIncludes: string, steps: unknown[]): Promise<StreamEvent[]> {
  const agent = await api<{ id: string }>("/agents", {
    method: "POST",
    token,
    body: { name: "Marketplace user", model: { provider: "demo", name: "demo" }, tools },
  });
  expect(agent.status, JSON.stringify(agent.body)).toBe(201);
  const conversation = await api<{ id: string }>("/conversations", {
    method: "POST",
    token,
    body: { agentId: agent.body.id },
  });
  const scripted = await fetch(`${env.MODEL_SERVER_URL}/_scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: { userIncludes }, steps }),
  });
  expect(scripted.status).toBe(201);
  const client = await StreamClient.open(conversation.body.id, token, 0);
  await api(`/conversations/${conversation.body.id}/messages`, {
    method: "POST",
    token,
    body: { content: userIncludes },
  });
  await client.until(runFinished);
  client.close();
  return client.events;
}

const results = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === "tool.result" ? [{ output: e.output, isError: e.isError }] : []));

describe("marketplace stdio servers through an agent run", () => {
  it("Memory: creates entities in one call and reads them back in the next", async () => {
    const memoryId = await enable("memory", "Memory");
    const tools = await api<McpToolList>(`/mcp/servers/${memoryId}/tools`, { token });
    expect(tools.status, JSON.stringify(tools.body)).toBe(200);
    expect(tools.body.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["create_entities", "read_graph"]),
    );
    const entity = `Ada-${crypto.randomUUID().slice(0, 6)}`;
    const events = await runScript(
      [{ serverId: memoryId, names: ["create_entities", "read_graph"] }],
      "remember-ada",
      [
        {
          toolCalls: [
            {
              name: "memory__create_entities",
              arguments: {
                entities: [{ name: entity, entityType: "person", observations: ["wrote the first program"] }],
              },
            },
          ],
        },
        { toolCalls: [{ name: "memory__read_graph", arguments: {} }] },
        { text: "Remembered." },
      ],
    );
    const [created, graph] = results(events);
    expect(created?.isError).toBe(false);
    expect(graph?.isError).toBe(false);
    expect(graph?.output).toContain(entity);
    expect(graph?.output).toContain("wrote the first program");
    expect(events.at(-1)?.type).toBe("run.completed");
  });

  it("Filesystem: writes and reads a file in the owner's directory, and is refused outside it", async () => {
    const fsId = await enable("filesystem", "Files");
    const listed = await api<McpToolList>(`/mcp/servers/${fsId}/tools`, { token });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const events = await runScript(
      [{ serverId: fsId, names: ["write_file", "read_text_file", "list_allowed_directories"] }],
      "save-a-note",
      [{ toolCalls: [{ name: "files__list_allowed_directories", arguments: {} }] }, { text: "Listed." }],
    );
    const [allowed] = results(events);
    expect(allowed?.isError).toBe(false);
    const root = /\/\S+/.exec(allowed?.output ?? "")?.[0]?.replace(/[.,]$/, "") ?? "";
    expect(root).toMatch(/owners/);

    const second = await runScript(
      [{ serverId: fsId, names: ["write_file", "read_text_file"] }],
      "write-and-read-note",
      [
        {
          toolCalls: [
            {
              name: "files__write_file",
              arguments: { path: `${root}/note.txt`, content: "hello switchboard" },
            },
          ],
        },
        { toolCalls: [{ name: "files__read_text_file", arguments: { path: `${root}/note.txt` } }] },
        { toolCalls: [{ name: "files__read_text_file", arguments: { path: "/etc/passwd" } }] },
        { text: "Done." },
      ],
    );
    const [written, read, outside] = results(second);
    expect(written?.isError).toBe(false);
    expect(read?.output).toContain("hello switchboard");
    expect(outside?.isError).toBe(true);
    expect(outside?.output).not.toContain("root:");
  });
});
