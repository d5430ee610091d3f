import { randomUUID } from "node:crypto";
import { sealBridgeToken } from "@switchboard/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  claims,
  connect,
  initializeBody,
  post,
  startTestHost,
  stdioUrl,
  TEST_SECRET,
  type TestHost,
  token,
  workspaceUrl,
} from "./helpers.ts";

const ALLOWED_ORIGIN = "https://app.switchboard.test";

describe("origin and bearer checks on every MCP endpoint", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ allowedOrigins: [ALLOWED_ORIGIN], maxSessionsPerOwner: 2 });
  });
  afterAll(async () => {
    await host?.stop();
  });

  const expect401 = async (res: Response) => {
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(await res.json()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000 } });
  };

  it("401 without a token, with a malformed one, one sealed with another secret, or an expired one", async () => {
    const url = stdioUrl(host, "everything");
    await expect401(await post(url, initializeBody));
    await expect401(await post(url, initializeBody, { authorization: "Bearer not-a-jwe" }));
    await expect401(await post(url, initializeBody, { authorization: "Basic dXNlcjpwYXNz" }));
    const foreign = await sealBridgeToken("another-secret-another-secret-0123456789", claims());
    await expect401(await post(url, initializeBody, { authorization: `Bearer ${foreign}` }));

    // Sealed 20 minutes ago: the token's 10-minute lifetime is over.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 20 * 60_000);
    const expired = await token(claims());
    vi.useRealTimers();
    await expect401(await post(url, initializeBody, { authorization: `Bearer ${expired}` }));
    expect(host.sessions()).toHaveLength(0);
  });

  it("401 for a token issued for another catalog entry, on the bridge and on the workspace", async () => {
    const memoryToken = await token(claims({ cat: "memory" }));
    await expect401(
      await post(stdioUrl(host, "everything"), initializeBody, { authorization: `Bearer ${memoryToken}` }),
    );
    await expect401(
      await post(workspaceUrl(host), initializeBody, { authorization: `Bearer ${memoryToken}` }),
    );
    const workspaceToken = await token(claims({ cat: "workspace" }));
    await expect401(
      await post(stdioUrl(host, "everything"), initializeBody, { authorization: `Bearer ${workspaceToken}` }),
    );
  });

  it("401 for an owner that is not team:<uuid> or user:<uuid> (it would name a directory)", async () => {
    const bad = await token(claims({ own: "team:../../etc" }));
    await expect401(
      await post(stdioUrl(host, "everything"), initializeBody, { authorization: `Bearer ${bad}` }),
    );
  });

  it("403 for an Origin that is not configured; a configured one and none at all are fine", async () => {
    const bearer = `Bearer ${await token(claims())}`;
    const refused = await post(stdioUrl(host, "everything"), initializeBody, {
      authorization: bearer,
      origin: "https://evil.example",
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { code: -32000, message: expect.stringMatching(/Origin/) },
    });
    // Checked before the token: an unauthenticated page learns nothing more.
    expect((await post(workspaceUrl(host), initializeBody, { origin: "https://evil.example" })).status).toBe(
      403,
    );

    const allowed = await post(workspaceUrl(host), initializeBody, {
      authorization: `Bearer ${await token(claims({ cat: "workspace" }))}`,
      origin: ALLOWED_ORIGIN,
    });
    expect(allowed.status).toBe(200);
    await allowed.body?.cancel();
  });

  it("404 when another user's or another server's token names an existing session", async () => {
    const owner = claims({ cat: "workspace" });
    const { client, transport } = await connect(workspaceUrl(host), await token(owner));
    const listTools = { jsonrpc: "2.0", id: 5, method: "tools/list" };
    const as = async (c: ReturnType<typeof claims>) =>
      post(workspaceUrl(host), listTools, {
        authorization: `Bearer ${await token(c)}`,
        "mcp-session-id": transport.sessionId as string,
      });

    for (const other of [
      { ...owner, sub: randomUUID() },
      { ...owner, srv: randomUUID() },
      { ...owner, own: `team:${randomUUID()}` },
    ]) {
      const res = await as(other);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: -32001, message: "Session not found" } });
    }
    const del = await fetch(workspaceUrl(host), {
      method: "DELETE",
      headers: {
        authorization: `Bearer ${await token({ ...owner, sub: randomUUID() })}`,
        "mcp-session-id": transport.sessionId as string,
      },
    });
    expect(del.status).toBe(404);
    // The owner's own fresh token (new iat/exp) still works.
    const mine = await as(owner);
    expect(mine.status).toBe(200);
    await mine.body?.cancel();
    await client.close();
  });

  it("400 for a non-initialize request without a session id, 404 for an unknown session id", async () => {
    const bearer = `Bearer ${await token(claims())}`;
    const noSession = await post(
      stdioUrl(host, "everything"),
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      {
        authorization: bearer,
      },
    );
    expect(noSession.status).toBe(400);
    const unknown = await post(
      stdioUrl(host, "everything"),
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      {
        authorization: bearer,
        "mcp-session-id": randomUUID(),
      },
    );
    expect(unknown.status).toBe(404);
    const get = await fetch(stdioUrl(host, "everything"), {
      headers: { authorization: bearer, accept: "text/event-stream" },
    });
    expect(get.status).toBe(400);
  });

  it("404 for a catalog entry that is not a stdio server, before anything is spawned", async () => {
    const github = await token(claims({ cat: "github" }));
    const res = await post(stdioUrl(host, "github"), initializeBody, { authorization: `Bearer ${github}` });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: { message: 'No stdio MCP server "github" in the catalog' },
    });
  });

  it("429 once an owner holds the maximum number of sessions; other owners are unaffected", async () => {
    const own = `team:${randomUUID()}`;
    const member = claims({ cat: "workspace", own });
    const opened: Response[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await post(workspaceUrl(host), initializeBody, {
        authorization: `Bearer ${await token(member)}`,
      });
      expect(res.status).toBe(200);
      opened.push(res);
    }
    // The cap is per owner, across catalog entries and users.
    const third = await post(stdioUrl(host, "everything"), initializeBody, {
      authorization: `Bearer ${await token(claims({ own }))}`,
    });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBeTruthy();
    expect(await third.json()).toMatchObject({
      error: { message: expect.stringMatching(/Too many MCP sessions/) },
    });

    const someoneElse = await post(workspaceUrl(host), initializeBody, {
      authorization: `Bearer ${await token(claims({ cat: "workspace" }))}`,
    });
    expect(someoneElse.status).toBe(200);
    await someoneElse.body?.cancel();

    // Closing one (DELETE, by its own user and server) frees a slot.
    const del = await fetch(workspaceUrl(host), {
      method: "DELETE",
      headers: {
        authorization: `Bearer ${await token(member)}`,
        "mcp-session-id": opened[0]?.headers.get("mcp-session-id") as string,
      },
    });
    expect(del.status).toBe(200);
    const again = await post(workspaceUrl(host), initializeBody, {
      authorization: `Bearer ${await token(member)}`,
    });
    expect(again.status).toBe(200);
    for (const res of [...opened, again]) await res.body?.cancel();
  });

  it("reports open sessions on /healthz", async () => {
    const res = await fetch(`${host.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, sessions: host.sessions().length });
    expect(TEST_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
