import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningRelay } from "../src/index.ts";
import { createTestDatabase, startTestRelay, type TestDatabase } from "./helpers.ts";

let db: TestDatabase;
let relay: RunningRelay;

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db.url, { poolMax: 1, acquireTimeoutMs: 500 });
  neonConfig.fetchEndpoint = `${relay.url}/sql`;
});

afterAll(async () => {
  await relay?.close();
  await db?.drop();
});

it("answers 503 (not 500, not a hang) while the pool is exhausted, then recovers", async () => {
  const sql = neon(db.url);
  // neon() queries are lazy thenables: start this one now.
  const sleeper = Promise.resolve(sql`SELECT pg_sleep(3) AS slept`);
  // Let the sleeper take the only connection.
  await new Promise((r) => setTimeout(r, 300));
  const health = (await (await fetch(`${relay.url}/healthz`)).json()) as { pool: { total: number } };
  expect(health.pool.total).toBe(1);

  const started = Date.now();
  const response = await fetch(`${relay.url}/sql`, {
    method: "POST",
    headers: { "Neon-Connection-String": db.url, "Neon-Raw-Text-Output": "true", "Neon-Array-Mode": "true" },
    body: JSON.stringify({ query: "SELECT 1", params: [] }),
  });
  const elapsed = Date.now() - started;
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ code: "53300" });
  expect(elapsed).toBeGreaterThanOrEqual(400);
  expect(elapsed).toBeLessThan(2500);

  await expect(sql`SELECT 1`).rejects.toThrow(/HTTP status 503/);

  expect(await sleeper).toEqual([{ slept: "" }]);
  expect(await sql`SELECT 2 AS two`).toEqual([{ two: 2 }]);
});
