import { afterAll, beforeAll, expect, it } from "vitest";
import { type Logger, type RunningRelay, signRelayToken } from "../src/index.ts";
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
const warnings: string[] = [];
const log: Logger = { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db.url, { maxQueuedEvents: 20, log });
});

afterAll(async () => {
  await relay?.close();
  await db?.drop();
});

async function subscribers(): Promise<number> {
  return ((await (await fetch(`${relay.url}/healthz`)).json()) as { subscribers: number }).subscribers;
}

it("drops a client that stops reading, which then resumes with Last-Event-ID", async () => {
  const conversationId = await createConversation(db.client);
  const token = await signRelayToken(RELAY_SECRET, conversationId);
  const url = `${relay.url}/conversations/${conversationId}/events?after=0`;
  // Never read until the relay gives up on us.
  const stalled = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(stalled.status).toBe(200);
  await waitFor(async () => (await subscribers()) === 1);

  const big = "x".repeat(16 * 1024);
  const total = 600;
  for (let seq = 1; seq <= total && (await subscribers()) > 0; seq += 10) {
    await insertEvents(db.client, conversationId, seq, seq + 9, () => big);
  }
  await waitFor(async () => (await subscribers()) === 0, 15_000, "the slow subscriber to be dropped");
  expect(warnings).toEqual(["dropping slow subscriber"]);

  // What it did get is a gap-free prefix, and the stream ended cleanly.
  const text = await stalled.text();
  const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  expect(ids.length).toBeGreaterThan(0);
  expect(ids).toEqual(range(1, ids.length));

  const written = Number((await db.client.query("SELECT max(seq) AS m FROM stream_events")).rows[0].m);
  const resumed = await SseClient.open(url, { token, lastEventId: String(ids.at(-1)) });
  await resumed.waitForSeq(written, 15_000);
  expect(resumed.seqs).toEqual(range(ids.length + 1, written));
  resumed.close();
});
