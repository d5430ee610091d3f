import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRelay, signRelayToken } from "../src/index.ts";
import {
  createConversation,
  createTestDatabase,
  insertEvents,
  RELAY_SECRET,
  range,
  startTestRelay,
  type TestDatabase,
  waitFor,
} from "./helpers.ts";
import { SseClient } from "./sse-client.ts";

let db: TestDatabase;
let relay: RunningRelay;
const open: SseClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db.url, { heartbeatMs: 200 });
});

afterAll(async () => {
  for (const client of open) client.close();
  await relay?.close();
  await db?.drop();
});

function eventsUrl(conversationId: string, after?: number): string {
  return `${relay.url}/conversations/${conversationId}/events${after === undefined ? "" : `?after=${after}`}`;
}

async function subscribe(conversationId: string, after?: number, options: { lastEventId?: string } = {}) {
  const token = await signRelayToken(RELAY_SECRET, conversationId);
  const client = await SseClient.open(eventsUrl(conversationId, after), { token, ...options });
  open.push(client);
  return client;
}

async function health() {
  return (await (await fetch(`${relay.url}/healthz`)).json()) as {
    ok: boolean;
    listening: boolean;
    subscribers: number;
    pool: { total: number; idle: number; waiting: number };
  };
}

describe("live events over SSE", () => {
  it("sends exactly the events after N, in order, then live ones", async () => {
    const conversationId = await createConversation(db.client);
    await insertEvents(db.client, conversationId, 1, 5);
    await insertEvents(db.client, conversationId, 6, 10);
    const client = await subscribe(conversationId, 3);
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get("content-type")).toBe("text/event-stream");
    expect(client.response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(client.response.headers.get("x-accel-buffering")).toBe("no");
    await client.waitForSeq(10);
    await insertEvents(db.client, conversationId, 11, 13);
    await insertEvents(db.client, conversationId, 14, 14);
    await client.waitForSeq(14);
    expect(client.seqs).toEqual(range(4, 14));
    const first = client.messages[0];
    expect(first?.id).toBe("4");
    expect(JSON.parse(first?.data ?? "")).toMatchObject({ seq: 4, type: "token", text: "token 4" });
    client.close();
  });

  it("gives two subscribers the same events", async () => {
    const conversationId = await createConversation(db.client);
    await insertEvents(db.client, conversationId, 1, 2);
    const a = await subscribe(conversationId, 0);
    const b = await subscribe(conversationId, 1);
    await a.waitForSeq(2);
    await b.waitForSeq(2);
    for (let seq = 3; seq <= 30; seq += 3) await insertEvents(db.client, conversationId, seq, seq + 2);
    await a.waitForSeq(32);
    await b.waitForSeq(32);
    expect(a.seqs).toEqual(range(1, 32));
    expect(b.seqs).toEqual(range(2, 32));
    a.close();
    b.close();
  });

  it("pages through a long backlog without gaps", async () => {
    const conversationId = await createConversation(db.client);
    for (let seq = 1; seq <= 1200; seq += 200) await insertEvents(db.client, conversationId, seq, seq + 199);
    const client = await subscribe(conversationId, 7);
    await client.waitForSeq(1200);
    expect(client.seqs).toEqual(range(8, 1200));
    client.close();
  });

  it("loses and duplicates nothing when it subscribes while events are being written", async () => {
    const conversationId = await createConversation(db.client);
    let written = 0;
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        await insertEvents(db.client, conversationId, written + 1, written + 4);
        written += 4;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(() => written >= 40);
    const early = await subscribe(conversationId, 0);
    await waitFor(() => written >= 120);
    const late = await subscribe(conversationId, 17);
    await writer;
    await early.waitForSeq(written);
    await late.waitForSeq(written);
    expect(early.seqs).toEqual(range(1, written));
    expect(late.seqs).toEqual(range(18, written));
    early.close();
    late.close();
  });

  it("lets Last-Event-ID win over after=", async () => {
    const conversationId = await createConversation(db.client);
    await insertEvents(db.client, conversationId, 1, 10);
    const client = await subscribe(conversationId, 2, { lastEventId: "7" });
    await client.waitForSeq(10);
    expect(client.seqs).toEqual([8, 9, 10]);
    client.close();
  });

  it("sends keep-alive comments", async () => {
    const conversationId = await createConversation(db.client);
    const client = await subscribe(conversationId, 0);
    await client.waitFor((c) => c.comments >= 2, 5000);
    expect(client.messages).toEqual([]);
    client.close();
  });

  it("delivers across a seq jump that is not a pruning (a crashed Durable Object skips its reserved seqs)", async () => {
    const conversationId = await createConversation(db.client);
    await insertEvents(db.client, conversationId, 1, 3);
    const client = await subscribe(conversationId, 0);
    await client.waitForSeq(3);
    await insertEvents(db.client, conversationId, 260, 262);
    await client.waitForSeq(262);
    expect(client.seqs).toEqual([1, 2, 3, 260, 261, 262]);
    client.close();

    const late = await subscribe(conversationId, 2);
    await late.waitForSeq(262);
    expect(late.seqs).toEqual([3, 260, 261, 262]);
    late.close();
  });

  it("resets when the events after N were pruned", async () => {
    const conversationId = await createConversation(db.client);
    await insertEvents(db.client, conversationId, 1, 10);
    await db.client.query("DELETE FROM stream_events WHERE conversation_id = $1 AND seq <= 6", [
      conversationId,
    ]);
    await db.client.query("UPDATE conversations SET events_pruned_through = 6 WHERE id = $1", [
      conversationId,
    ]);

    const behind = await subscribe(conversationId, 3);
    await behind.untilEnded();
    expect(behind.messages).toEqual([
      {
        id: undefined,
        event: "reset",
        data: JSON.stringify({ kind: "reset", reason: "pruned", resumeAfter: 3 }),
      },
    ]);

    const atEdge = await subscribe(conversationId, 6);
    await atEdge.waitForSeq(10);
    expect(atEdge.seqs).toEqual([7, 8, 9, 10]);
    atEdge.close();

    const fresh = await subscribe(conversationId, 0);
    await fresh.waitForSeq(10);
    expect(fresh.seqs).toEqual([7, 8, 9, 10]);
    fresh.close();
  });

  it("cleans up subscribers when clients disconnect", async () => {
    await waitFor(async () => (await health()).subscribers === 0, 5000, "earlier subscribers to go");
    const conversationId = await createConversation(db.client);
    const clients = await Promise.all([
      subscribe(conversationId, 0),
      subscribe(conversationId, 0),
      subscribe(conversationId, 0),
    ]);
    expect((await health()).subscribers).toBe(3);
    for (const client of clients) client.close();
    await waitFor(async () => (await health()).subscribers === 0, 5000, "subscribers to be removed");
    const h = await health();
    expect(h).toMatchObject({ ok: true, listening: true, subscribers: 0 });
    expect(h.pool).toEqual({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
  });
});

describe("relay tokens", () => {
  async function status(conversationId: string, authorization?: string) {
    const response = await fetch(eventsUrl(conversationId, 0), {
      headers: authorization ? { authorization } : {},
    });
    const isJson = response.headers.get("content-type")?.includes("json");
    const body = isJson ? await response.json() : await response.body?.cancel();
    return { status: response.status, body };
  }

  it("refuses missing, invalid, expired and foreign tokens", async () => {
    const conversationId = await createConversation(db.client);
    const other = await createConversation(db.client);
    const key = new TextEncoder().encode(RELAY_SECRET);
    const base = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("switchboard")
        .setAudience("switchboard-relay");

    expect(await status(conversationId)).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: expect.any(String) } },
    });
    expect((await status(conversationId, "Bearer not-a-jwt")).status).toBe(401);
    const wrongSecret = await signRelayToken("another-secret-another-secret-another-secret", conversationId);
    expect((await status(conversationId, `Bearer ${wrongSecret}`)).status).toBe(401);
    const expired = await base()
      .setSubject(conversationId)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    expect((await status(conversationId, `Bearer ${expired}`)).status).toBe(401);
    const noExpiry = await base().setSubject(conversationId).sign(key);
    expect((await status(conversationId, `Bearer ${noExpiry}`)).status).toBe(401);
    const wrongAudience = await base()
      .setAudience("someone-else")
      .setSubject(conversationId)
      .setExpirationTime("1m")
      .sign(key);
    expect((await status(conversationId, `Bearer ${wrongAudience}`)).status).toBe(401);
    const foreign = await signRelayToken(RELAY_SECRET, other);
    expect(await status(conversationId, `Bearer ${foreign}`)).toEqual({
      status: 403,
      body: { error: { code: "forbidden", message: expect.any(String) } },
    });
    const valid = await signRelayToken(RELAY_SECRET, conversationId);
    const badCursor = await fetch(`${relay.url}/conversations/${conversationId}/events?after=-1`, {
      headers: { authorization: `Bearer ${valid}` },
    });
    expect(badCursor.status).toBe(400);
  });
});
