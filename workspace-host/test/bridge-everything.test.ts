import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claims,
  connect,
  eventually,
  processAlive,
  startTestHost,
  stdioUrl,
  type TestHost,
  textOf,
  token,
} from "./helpers.ts";

// The bridge against the protocol's reference server, spawned from its npm package, with the real SDK client.
describe("stdio bridge: server-everything", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("initializes, lists tools and calls echo", async () => {
    const { client } = await connect(stdioUrl(host, "everything"), await token(claims()));
    expect(client.getServerVersion()?.name).toBe("mcp-servers/everything");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["echo", "get-sum", "get-env", "trigger-long-running-operation"]),
    );
    const result = await client.callTool({ name: "echo", arguments: { message: "hello bridge" } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("Echo: hello bridge");
    const sum = await client.callTool({ name: "get-sum", arguments: { a: 2, b: 40 } });
    expect(textOf(sum)).toContain("42");
    await client.close();
  });

  it("passes the server's answer to bad arguments through: an isError result naming the problem", async () => {
    const { client } = await connect(stdioUrl(host, "everything"), await token(claims()));
    const result = await client.callTool({ name: "echo", arguments: { message: 42 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Input validation error/);
    // An unknown tool is reported the same way by this server's SDK version.
    const unknown = await client.callTool({ name: "no-such-tool", arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/no-such-tool/);
    await client.close();
  });

  it("streams progress notifications of a long-running tool on the request's stream", async () => {
    const { client } = await connect(stdioUrl(host, "everything"), await token(claims()));
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 0.6, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(textOf(result)).toContain("Long running operation completed");
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
  });

  it("delivers notifications/tools/list_changed and server→client sampling, elicitation and roots requests", async () => {
    let listChanged = 0;
    const { client } = await connect(
      stdioUrl(host, "everything"),
      await token(claims()),
      { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
      (c) => {
        // The server registers capability-dependent tools once initialized, announcing them with list_changed.
        c.setNotificationHandler(ToolListChangedNotificationSchema, () => {
          listChanged += 1;
        });
        c.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
          model: "test-model",
          role: "assistant",
          content: { type: "text", text: `sampled: ${JSON.stringify(request.params.messages[0]?.content)}` },
        }));
        c.setRequestHandler(ElicitRequestSchema, async () => ({
          action: "accept",
          content: { name: "Ada", check: true, integer: 7, untitledSingleSelectEnum: "Joey" },
        }));
        c.setRequestHandler(ListRootsRequestSchema, async () => ({
          roots: [{ uri: "file:///client/project", name: "project" }],
        }));
      },
    );
    await eventually(() => listChanged > 0);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["trigger-sampling-request", "trigger-elicitation-request", "get-roots-list"]),
    );

    const sampled = await client.callTool({
      name: "trigger-sampling-request",
      arguments: { prompt: "ping" },
    });
    expect(textOf(sampled)).toContain("sampled:");
    expect(textOf(sampled)).toContain("ping");

    const elicited = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(textOf(elicited)).toMatch(/accept/i);

    const roots = await client.callTool({ name: "get-roots-list", arguments: {} });
    expect(textOf(roots)).toContain("file:///client/project");
    await client.close();
  });

  it("forwards cancellation, and a cancelled call does not keep the session busy", async () => {
    const { client } = await connect(stdioUrl(host, "everything"), await token(claims()));
    const controller = new AbortController();
    const call = client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 5, steps: 5 } },
      undefined,
      { signal: controller.signal, onprogress: () => controller.abort("enough") },
    );
    await expect(call).rejects.toThrow();
    const echo = await client.callTool({ name: "echo", arguments: { message: "still here" } });
    expect(textOf(echo)).toBe("Echo: still here");
    await client.close();
  });

  it("DELETE ends the session and kills the child; the session id is then unknown", async () => {
    const c = claims();
    const { client, transport } = await connect(stdioUrl(host, "everything"), await token(c));
    const sessionId = transport.sessionId as string;
    const pid = host.sessions().find((s) => s.id === sessionId)?.pid as number;
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid)).toBe(true);

    await transport.terminateSession();
    await eventually(() => !processAlive(pid));
    expect(host.sessions().some((s) => s.id === sessionId)).toBe(false);

    const res = await fetch(stdioUrl(host, "everything"), {
      method: "POST",
      headers: {
        authorization: `Bearer ${await token(c)}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": sessionId,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: -32001, message: "Session not found" } });
    await client.close().catch(() => undefined);
  });

  it("a child that exits ends its session: requests in flight get an error, later ones 404", async () => {
    const c = claims();
    const { client, transport } = await connect(stdioUrl(host, "everything"), await token(c));
    const sessionId = transport.sessionId as string;
    const pid = host.sessions().find((s) => s.id === sessionId)?.pid as number;
    const call = client.callTool({
      name: "trigger-long-running-operation",
      arguments: { duration: 10, steps: 2 },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(pid, "SIGKILL");
    await expect(call).rejects.toThrow(/MCP session ended: the MCP server process exited/);
    await eventually(() => !host.sessions().some((s) => s.id === sessionId));
    await expect(client.listTools()).rejects.toThrow(/404|Session not found/);
    expect(host.log.lines.some((l) => l.includes("the MCP server process exited"))).toBe(true);
  });

  it("copies the child's stderr into the host log with a prefix", async () => {
    const { client, transport } = await connect(stdioUrl(host, "everything"), await token(claims()));
    const prefix = `[stdio everything ${transport.sessionId?.slice(0, 8)}]`;
    await eventually(() =>
      host.log.lines.some((l) => l.includes(prefix) && l.includes("Starting default (STDIO) server")),
    );
    await client.close();
  });
});

describe("stdio bridge: idle timeout", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ idleMs: 400 });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("closes a session without requests and kills its child", async () => {
    const { client, transport } = await connect(stdioUrl(host, "everything"), await token(claims()));
    const pid = host.sessions().find((s) => s.id === transport.sessionId)?.pid as number;
    expect(processAlive(pid)).toBe(true);
    await eventually(() => host.sessions().length === 0, 5000);
    await eventually(() => !processAlive(pid));
    await expect(client.listTools()).rejects.toThrow(/404|Session not found/);
  });

  it("does not reap a session while a tool call runs longer than the timeout", async () => {
    const { client } = await connect(stdioUrl(host, "everything"), await token(claims()));
    const result = await client.callTool({
      name: "trigger-long-running-operation",
      arguments: { duration: 1.2, steps: 2 },
    });
    expect(textOf(result)).toContain("completed");
    await client.close();
  });
});

describe("stdio bridge: shutdown", () => {
  it("closing the host kills every child and ends open streams", async () => {
    const host = await startTestHost();
    const pids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { transport } = await connect(stdioUrl(host, "everything"), await token(claims()));
      pids.push(host.sessions().find((s) => s.id === transport.sessionId)?.pid as number);
    }
    expect(pids.every(processAlive)).toBe(true);
    await host.stop();
    await eventually(() => pids.every((pid) => !processAlive(pid)));
  });
});
