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
const logLines: string[] = [];
const log: Logger = {
  info: (m) => logLines.push(`info ${m}`),
  warn: (m) => logLines.push(`warn ${m}`),
  error: (m) => logLines.push(`error ${m}`),
};

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db.url, { log });
});

afterAll(async () => {
  await relay?.close();
  await db?.drop();
});

async function killListenConnection(): Promise<number> {
  const result = await db.client.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchboard-relay-listen' AND datname = current_database()",
  );
  return result.rowCount ?? 0;
}

async function listening(): Promise<boolean> {
  const body = (await (await fetch(`${relay.url}/healthz`)).json()) as { listening: boolean };
  return body.listening;
}

async function subscribe(conversationId: string, after: number): Promise<SseClient> {
  const token = await signRelayToken(RELAY_SECRET, conversationId);
  return SseClient.open(`${relay.url}/conversations/${conversationId}/events?after=${after}`, { token });
}

/** Writes `batches` batches of `size` events, `pauseMs` apart, like a Durable Object flushing a run. */
function startWriter(conversationId: string, batches: number, size: number, pauseMs: number) {
  const state = { written: 0, done: Promise.resolve() };
  state.done = (async () => {
    for (let i = 0; i < batches; i++) {
      await insertEvents(db.client, conversationId, state.written + 1, state.written + size);
      state.written += size;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return state;
}

it("delivers every event exactly once, in order, when the LISTEN connection is killed mid-stream", async () => {
  const conversationId = await createConversation(db.client);
  const a = await subscribe(conversationId, 0);
  const writer = startWriter(conversationId, 120, 3, 8);
  await waitFor(() => writer.written >= 90);
  const b = await subscribe(conversationId, 50);
  expect(await killListenConnection()).toBe(1);
  await writer.done;
  await a.waitForSeq(writer.written, 15_000);
  await b.waitForSeq(writer.written, 15_000);
  expect(a.seqs).toEqual(range(1, writer.written));
  expect(b.seqs).toEqual(range(51, writer.written));
  await waitFor(listening, 10_000, "listening again");
  expect(logLines.some((l) => l.startsWith("warn listen connection lost"))).toBe(true);
  expect(logLines.some((l) => l.startsWith("info listening again"))).toBe(true);
  a.close();
  b.close();
});

it("survives repeated kills, including kills during reconnects", async () => {
  const conversationId = await createConversation(db.client);
  const client = await subscribe(conversationId, 0);
  const writer = startWriter(conversationId, 200, 2, 5);
  let kills = 0;
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 60 + Math.random() * 80));
    kills += await killListenConnection();
  }
  await writer.done;
  await client.waitForSeq(writer.written, 20_000);
  expect(kills).toBeGreaterThanOrEqual(3);
  expect(client.seqs).toEqual(range(1, writer.written));
  client.close();
});

it("catches up events written while nothing was listening, with no later notification to trigger it", async () => {
  const conversationId = await createConversation(db.client);
  await insertEvents(db.client, conversationId, 1, 3);
  const client = await subscribe(conversationId, 0);
  await client.waitForSeq(3);
  await waitFor(listening, 10_000, "listening");
  expect(await killListenConnection()).toBe(1);
  await insertEvents(db.client, conversationId, 4, 8);
  await client.waitForSeq(8, 15_000);
  expect(client.seqs).toEqual(range(1, 8));
  client.close();
});
