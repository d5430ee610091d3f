import { randomBytes, randomUUID } from "node:crypto";
import { applyMigrations } from "@switchboard/db/migrations";
import { STREAM_NOTIFY_CHANNEL } from "@switchboard/protocol";
import pg from "pg";
import { inject } from "vitest";
import { type RunningRelay, type StartRelayOptions, silentLogger, startRelay } from "../src/index.ts";

export const RELAY_SECRET = "test-relay-secret-0123456789abcdef-0123456789";

export interface TestDatabase {
  url: string;
  name: string;
  /** A plain client for arranging data and poking at the server. */
  client: pg.Client;
  drop(): Promise<void>;
}

/** A fresh database with every migration applied, on the run's PostgreSQL server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("adminDatabaseUrl");
  const name = `relay_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl, application_name: "relay-test-setup" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  const client = new pg.Client({ connectionString: url.toString(), application_name: "relay-test" });
  await client.connect();
  return {
    url: url.toString(),
    name,
    client,
    async drop() {
      await client.end().catch(() => undefined);
      const admin = new pg.Client({ connectionString: adminUrl, application_name: "relay-test-setup" });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function startTestRelay(
  databaseUrl: string,
  options: Partial<StartRelayOptions> = {},
): Promise<RunningRelay> {
  return startRelay({ databaseUrl, relaySecret: RELAY_SECRET, port: 0, log: silentLogger, ...options });
}

/** A user, an agent and a conversation (stream_events rows need the conversation). */
export async function createConversation(client: pg.Client): Promise<string> {
  const user = await client.query<{ id: string }>(
    "INSERT INTO users (email, name, password_hash) VALUES ($1, 'Test', 'x') RETURNING id",
    [`${randomUUID()}@example.test`],
  );
  const userId = user.rows[0]?.id;
  const agent = await client.query<{ id: string }>(
    "INSERT INTO agents (owner_id, name, model_provider, model_name) VALUES ($1, 'Agent', 'demo', 'demo') RETURNING id",
    [userId],
  );
  const conversation = await client.query<{ id: string }>(
    "INSERT INTO conversations (owner_id, agent_id) VALUES ($1, $2) RETURNING id",
    [userId, agent.rows[0]?.id],
  );
  return conversation.rows[0]?.id as string;
}

export function tokenEvent(seq: number, text = `token ${seq}`) {
  return {
    seq,
    at: Date.now(),
    type: "token",
    runId: "run-1",
    agentId: "agent-1",
    messageId: "message-1",
    text,
  };
}

/**
 * Persists events `from`..`to` the way the Durable Object does: ONE statement, a multi-row insert plus
 * the pointer notification, so rows and notification commit together.
 */
export async function insertEvents(
  client: pg.Client,
  conversationId: string,
  from: number,
  to: number,
  text?: (seq: number) => string,
): Promise<void> {
  const events = [];
  for (let seq = from; seq <= to; seq++) events.push(tokenEvent(seq, text?.(seq)));
  await client.query(
    `WITH ins AS (
       INSERT INTO stream_events (conversation_id, seq, type, event)
       SELECT $1::uuid, (e->>'seq')::bigint, e->>'type', e FROM jsonb_array_elements($2::jsonb) AS e
       RETURNING 1
     )
     SELECT pg_notify('${STREAM_NOTIFY_CHANNEL}', $3) FROM (SELECT count(*) FROM ins) x`,
    [conversationId, JSON.stringify(events), JSON.stringify({ c: conversationId, f: from, t: to })],
  );
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
