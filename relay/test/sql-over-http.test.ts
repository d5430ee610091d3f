import { NeonDbError, neon, neonConfig } from "@neondatabase/serverless";
import { conversations, users } from "@switchboard/db";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRelay } from "../src/index.ts";
import {
  createConversation,
  createTestDatabase,
  startTestRelay,
  type TestDatabase,
  waitFor,
} from "./helpers.ts";

let db: TestDatabase;
let relay: RunningRelay;

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db.url);
  // Global in the driver; each test file runs in its own worker, so this only affects this file.
  neonConfig.fetchEndpoint = `${relay.url}/sql`;
});

afterAll(async () => {
  await relay?.close();
  await db?.drop();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject");
}

describe("SQL over HTTP with the neon() driver", () => {
  it("binds parameters and parses every common type", async () => {
    const sql = neon(db.url);
    const rows = await sql`
      SELECT ${42}::int AS i, ${"9007199254740993"}::bigint AS big, ${"héllo 'x'"}::text AS t,
             ${JSON.stringify({ a: [1, "two", null], b: { c: true } })}::jsonb AS j,
             '2024-05-06T07:08:09.123Z'::timestamptz AS ts, true AS yes, false AS no, NULL::text AS nothing,
             ${[1, 2, 3]}::int[] AS ints, ARRAY['a', 'b c', NULL, 'd"e'] AS texts, 1.5::float8 AS f,
             '12.345'::numeric AS n`;
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row.i).toBe(42);
    expect(row.big).toBe("9007199254740993");
    expect(row.t).toBe("héllo 'x'");
    expect(row.j).toEqual({ a: [1, "two", null], b: { c: true } });
    expect(row.ts).toBeInstanceOf(Date);
    expect((row.ts as Date).toISOString()).toBe("2024-05-06T07:08:09.123Z");
    expect(row.yes).toBe(true);
    expect(row.no).toBe(false);
    expect(row.nothing).toBeNull();
    expect(row.ints).toEqual([1, 2, 3]);
    expect(row.texts).toEqual(["a", "b c", null, 'd"e']);
    expect(row.f).toBe(1.5);
    expect(row.n).toBe("12.345");
  });

  it("supports sql.query, array mode and full results", async () => {
    const sql = neon(db.url);
    const arrays = await sql.query("SELECT $1::int AS a, $2::text AS b UNION ALL SELECT 2, 'y'", [1, "x"], {
      arrayMode: true,
    });
    expect(arrays).toEqual([
      [1, "x"],
      [2, "y"],
    ]);
    const full = await sql.query("SELECT generate_series(1, 3) AS n", [], { fullResults: true });
    expect(full.command).toBe("SELECT");
    expect(full.rowCount).toBe(3);
    expect(full.fields.map((f) => [f.name, f.dataTypeID])).toEqual([["n", 23]]);
    expect(full.rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("reports command and rowCount for writes", async () => {
    const sql = neon(db.url, { fullResults: true });
    await sql`CREATE TABLE IF NOT EXISTS scratch (id int PRIMARY KEY, note text)`;
    const insert = await sql`INSERT INTO scratch VALUES (1, 'a'), (2, 'b')`;
    expect(insert.command).toBe("INSERT");
    expect(insert.rowCount).toBe(2);
    const update = await sql`UPDATE scratch SET note = 'z' WHERE id <= 2`;
    expect(update.command).toBe("UPDATE");
    expect(update.rowCount).toBe(2);
  });

  it("commits a transaction, and rolls it back entirely when one query fails", async () => {
    const sql = neon(db.url);
    await sql`CREATE TABLE IF NOT EXISTS tx_test (id int PRIMARY KEY)`;
    const results = await sql.transaction(
      [
        sql`INSERT INTO tx_test VALUES (1)`,
        sql`INSERT INTO tx_test VALUES (2)`,
        sql`SELECT count(*)::int AS c FROM tx_test`,
      ],
      { isolationLevel: "Serializable" },
    );
    expect(results[2]).toEqual([{ c: 2 }]);

    const error = await rejection(
      sql.transaction([sql`INSERT INTO tx_test VALUES (3)`, sql`INSERT INTO tx_test VALUES (1)`]),
    );
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).code).toBe("23505");
    const after = await sql`SELECT id FROM tx_test ORDER BY id`;
    expect(after).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("honours read-only batches", async () => {
    const sql = neon(db.url);
    const error = await rejection(sql.transaction([sql`CREATE TABLE nope (id int)`], { readOnly: true }));
    expect((error as NeonDbError).code).toBe("25006");
    const ok = await sql.transaction([sql`SELECT 1 AS one`], {
      readOnly: true,
      deferrable: true,
      isolationLevel: "Serializable",
    });
    expect(ok).toEqual([[{ one: 1 }]]);
  });

  it("surfaces PostgreSQL errors with their message and code, and keeps serving", async () => {
    const sql = neon(db.url);
    const error = (await rejection(sql`SELECT * FROM no_such_table`)) as NeonDbError;
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.code).toBe("42P01");
    expect(error.message).toBe('relation "no_such_table" does not exist');
    expect(error.severity).toBe("ERROR");
    expect(error.position).toBe("15");
    const syntax = (await rejection(sql`SELEC 1`)) as NeonDbError;
    expect(syntax.code).toBe("42601");
    expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });

  it("does not leak an open transaction into the next request", async () => {
    const sql = neon(db.url);
    await sql`BEGIN`;
    // The pool hands out the most recently released connection; had BEGIN's gone back, both would share one xid.
    const [a] = await sql`SELECT pg_current_xact_id()::text AS xid`;
    const [b] = await sql`SELECT pg_current_xact_id()::text AS xid`;
    expect(a?.xid).not.toBe(b?.xid);
    await waitFor(
      async () => {
        const open = await db.client.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'switchboard-relay-sql' AND datname = current_database() AND state LIKE 'idle in transaction%'",
        );
        return open.rows[0]?.n === 0;
      },
      5000,
      "the BEGIN connection to be discarded",
    );
  });

  it("refuses a different connection string", async () => {
    const wrong = new URL(db.url);
    wrong.password = "not-the-password";
    const error = await rejection(neon(wrong.toString())`SELECT 1`);
    expect(error.message).toContain("HTTP status 401");
    const otherDb = new URL(db.url);
    otherDb.pathname = "/postgres";
    expect((await rejection(neon(otherDb.toString())`SELECT 1`)).message).toContain("HTTP status 401");
    const response = await fetch(`${relay.url}/sql`, {
      method: "POST",
      body: JSON.stringify({ query: "SELECT 1" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "28000" });
  });

  it("rejects oversized and malformed bodies", async () => {
    const headers = { "Neon-Connection-String": db.url };
    const big = await fetch(`${relay.url}/sql`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: "SELECT $1", params: ["x".repeat(11 * 1024 * 1024)] }),
    });
    expect(big.status).toBe(413);
    const bad = await fetch(`${relay.url}/sql`, { method: "POST", headers, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "08P01" });
  });

  it("speaks the plain JSON protocol too (typed output, object rows)", async () => {
    const response = await fetch(`${relay.url}/sql`, {
      method: "POST",
      headers: { "Neon-Connection-String": db.url },
      body: JSON.stringify({
        query:
          "SELECT $1::int AS i, $2::bool AS b, $3::jsonb AS j, $4::int[] AS a, $5::bigint AS big, 'NaN'::float8 AS f",
        params: [7, true, { x: 1 }, [1, null, 3], 5],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: unknown[]; rowAsArray: boolean };
    expect(body.rowAsArray).toBe(false);
    expect(body.rows).toEqual([{ i: 7, b: true, j: { x: 1 }, a: [1, null, 3], big: "5", f: "NaN" }]);
  });
});

describe("drizzle-orm/neon-http through the relay", () => {
  it("inserts and selects rows of the schema", async () => {
    const orm = drizzle({ client: neon(db.url) });
    const [user] = await orm
      .insert(users)
      .values({ email: "drizzle@example.test", name: "Drizzle", passwordHash: "x" })
      .returning();
    expect(user?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user?.createdAt).toBeInstanceOf(Date);
    const found = await orm
      .select()
      .from(users)
      .where(eq(users.id, user?.id as string));
    expect(found).toHaveLength(1);
    expect(found[0]?.email).toBe("drizzle@example.test");

    const conversationId = await createConversation(db.client);
    const [conversation] = await orm.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conversation?.id).toBe(conversationId);

    const batch = await orm.batch([
      orm
        .update(users)
        .set({ name: "Renamed" })
        .where(eq(users.id, user?.id as string)),
      orm
        .select({ name: users.name })
        .from(users)
        .where(eq(users.id, user?.id as string)),
    ]);
    expect(batch[1]).toEqual([{ name: "Renamed" }]);
  });
});
