import { env } from "cloudflare:test";
import { createDatabase } from "@switchboard/db/client";
import { connectMcpServer, type McpServerSpec, outboundFetch } from "@switchboard/durable-objects/mcp";
import { describe, expect, it } from "vitest";

function spec(url: string, transport: "streamable-http" | "sse"): McpServerSpec {
  return {
    id: crypto.randomUUID(),
    name: "peer",
    transport,
    url,
    catalogId: null,
    credentialId: null,
    ownerKey: `user:${crypto.randomUUID()}`,
  };
}

function deps(onToolsChanged?: (names: string[]) => void) {
  return {
    userId: crypto.randomUUID(),
    db: createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT }),
    guardedFetch: outboundFetch(env),
    credentialFields: async () => ({}),
    ...(onToolsChanged
      ? { onToolsChanged: (tools: { name: string }[]) => onToolsChanged(tools.map((t) => t.name)) }
      : {}),
  };
}

describe.each([
  ["Streamable HTTP", "streamable-http" as const, () => env.EVERYTHING_HTTP_URL],
  ["SSE", "sse" as const, () => env.EVERYTHING_SSE_URL],
])("the platform's MCP client against server-everything over %s, inside workerd", (_, transport, url) => {
  it("lists tools and calls them with correct and incorrect arguments", async () => {
    const client = await connectMcpServer(spec(url(), transport), deps());
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-sum"]));
      const echo = await client.callTool({ name: "echo", arguments: { message: "hello from workerd" } });
      expect(JSON.stringify(echo.content)).toContain("hello from workerd");
      const sum = await client.callTool({ name: "get-sum", arguments: { a: 40, b: 2 } });
      expect(JSON.stringify(sum.content)).toContain("42");
      const wrong = await client.callTool({ name: "get-sum", arguments: { a: "forty" } });
      expect(wrong.isError).toBe(true);
      expect(JSON.stringify(wrong.content)).toMatch(/-32602|Invalid arguments/);
    } finally {
      await client.close();
    }
  });

  it("receives progress notifications from a long-running tool", async () => {
    const client = await connectMcpServer(spec(url(), transport), deps());
    try {
      const progress: number[] = [];
      const result = await client.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 0.5, steps: 4 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(result.isError).toBeFalsy();
      // Each notification exactly once (SSE in workerd used to deliver every message twice), in order;
      // the last may race the result, as it does in Node.
      expect(progress.slice(0, 3)).toEqual([1, 2, 3]);
      expect(progress).toEqual([...new Set(progress)].sort());
    } finally {
      await client.close();
    }
  });
});

describe("tool list changes", () => {
  it("refreshes the tool list when the server sends notifications/tools/list_changed", async () => {
    const seen: string[][] = [];
    const client = await connectMcpServer(
      spec(env.LIST_CHANGING_URL, "streamable-http"),
      deps((names) => seen.push(names)),
    );
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["unlock_extra"]);
      await client.callTool({ name: "unlock_extra", arguments: {} });
      await expect.poll(() => seen.at(-1), { timeout: 5_000 }).toEqual(["unlock_extra", "extra_tool"]);
      const extra = await client.callTool({ name: "extra_tool", arguments: { x: 7 } });
      expect(JSON.stringify(extra.content)).toContain("extra 7");
    } finally {
      await client.close();
    }
  });
});
