import { existsSync } from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerRoot } from "../src/stdio/launch.ts";
import { claims, connect, startTestHost, stdioUrl, type TestHost, textOf, token } from "./helpers.ts";

describe("stdio bridge: server-memory and server-filesystem", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("memory: a graph written in one session is read back in the next, from the owner's directory", async () => {
    const owner = claims({ cat: "memory" });
    const first = await connect(stdioUrl(host, "memory"), await token(owner));
    const created = await first.client.callTool({
      name: "create_entities",
      arguments: {
        entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }],
      },
    });
    expect(created.isError).toBeFalsy();
    await first.transport.terminateSession();

    const second = await connect(stdioUrl(host, "memory"), await token(owner));
    const graph = await second.client.callTool({ name: "read_graph", arguments: {} });
    expect(textOf(graph)).toContain("wrote the first program");
    await second.transport.terminateSession();

    const file = path.join(ownerRoot(host.dataDir, owner.own), "memory.jsonl");
    expect(await readFile(file, "utf8")).toContain('"name":"Ada"');

    // Another owner has its own, empty graph.
    const other = await connect(stdioUrl(host, "memory"), await token(claims({ cat: "memory" })));
    const empty = await other.client.callTool({ name: "read_graph", arguments: {} });
    expect(textOf(empty)).not.toContain("Ada");
    await other.transport.terminateSession();
  });

  it("filesystem: writes and reads inside {root}; /etc/passwd is refused by the server", async () => {
    const owner = claims({ cat: "filesystem" });
    const { client, transport } = await connect(stdioUrl(host, "filesystem"), await token(owner));
    const root = await realpath(ownerRoot(host.dataDir, owner.own));
    const file = path.join(root, "hello.txt");

    const written = await client.callTool({
      name: "write_file",
      arguments: { path: file, content: "hi there" },
    });
    expect(written.isError).toBeFalsy();
    const read = await client.callTool({ name: "read_text_file", arguments: { path: file } });
    expect(textOf(read)).toBe("hi there");
    expect(existsSync(file)).toBe(true);

    const passwd = await client.callTool({ name: "read_text_file", arguments: { path: "/etc/passwd" } });
    expect(passwd.isError).toBe(true);
    expect(textOf(passwd)).toMatch(/Access denied - path outside allowed directories/);
    await transport.terminateSession();
  });

  it("filesystem: a client's roots cannot widen the server's sandbox (roots are withheld)", async () => {
    const owner = claims({ cat: "filesystem" });
    let rootsAsked = 0;
    const { client, transport } = await connect(
      stdioUrl(host, "filesystem"),
      await token(owner),
      { capabilities: { roots: { listChanged: true } } },
      (c) =>
        c.setRequestHandler(ListRootsRequestSchema, async () => {
          rootsAsked += 1;
          return { roots: [{ uri: "file:///", name: "everything" }] };
        }),
    );
    await client.sendRootsListChanged();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const allowed = await client.callTool({ name: "list_allowed_directories", arguments: {} });
    expect(textOf(allowed)).toContain(await realpath(ownerRoot(host.dataDir, owner.own)));
    expect(rootsAsked).toBe(0);
    const passwd = await client.callTool({ name: "read_text_file", arguments: { path: "/etc/passwd" } });
    expect(passwd.isError).toBe(true);
    await transport.terminateSession();
  });

  it("brave-search: starts with the credential from the token, and fails clearly without one", async () => {
    const withKey = claims({ cat: "brave-search", env: { BRAVE_API_KEY: "test-key-not-used-for-listing" } });
    const { client, transport } = await connect(stdioUrl(host, "brave-search"), await token(withKey));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("brave_web_search");
    await transport.terminateSession();

    // Without the key the server exits during start-up: the initialize gets an error, the log says why.
    await expect(
      connect(stdioUrl(host, "brave-search"), await token(claims({ cat: "brave-search" }))),
    ).rejects.toThrow(/MCP session ended: the MCP server process exited/);
    expect(
      host.log.lines.some(
        (l) => l.includes("[stdio brave-search") && l.includes("Brave API key is required"),
      ),
    ).toBe(true);
  });
});
