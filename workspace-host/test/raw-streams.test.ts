import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claims, initializeBody, post, startTestHost, stdioUrl, type TestHost, token } from "./helpers.ts";

/** Every JSON-RPC message of an SSE response body, in order. */
async function sseMessages(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .flatMap((event) => event.split("\n").filter((line) => line.startsWith("data: ")))
    .map((line) => JSON.parse(line.slice("data: ".length)) as Record<string, unknown>);
}

// A client that never opens the standalone GET stream (as a minimal platform client may not) still gets
// every server message: unsolicited ones wait for, and then ride on, its next request's stream.
describe("stdio bridge without a GET stream", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("delivers progress and the queued list_changed on the POST stream of the next request", async () => {
    const bearer = { authorization: `Bearer ${await token(claims())}` };
    const url = stdioUrl(host, "everything");
    const init = await post(
      url,
      { ...initializeBody, params: { ...initializeBody.params, capabilities: { sampling: {} } } },
      bearer,
    );
    expect(init.status).toBe(200);
    const sessionId = init.headers.get("mcp-session-id") as string;
    const [initResult] = await sseMessages(init);
    expect(initResult).toMatchObject({ id: 1, result: { serverInfo: { name: "mcp-servers/everything" } } });

    const session = { ...bearer, "mcp-session-id": sessionId };
    const initialized = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, session);
    expect(initialized.status).toBe(202);
    // The server announces its capability-dependent tools right after `initialized`; no stream is open yet.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const call = await post(
      url,
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: {
          name: "trigger-long-running-operation",
          arguments: { duration: 0.4, steps: 2 },
          _meta: { progressToken: "p-1" },
        },
      },
      session,
    );
    expect(call.headers.get("content-type")).toContain("text/event-stream");
    const messages = await sseMessages(call);
    const methods = messages.map((m) => m.method ?? `response:${m.id}`);
    expect(methods).toContain("notifications/tools/list_changed");
    expect(methods.filter((m) => m === "notifications/progress")).toHaveLength(2);
    expect(methods.at(-1)).toBe("response:2");
    expect(messages.find((m) => m.method === "notifications/progress")).toMatchObject({
      params: { progressToken: "p-1", progress: 1, total: 2 },
    });
  });
});
