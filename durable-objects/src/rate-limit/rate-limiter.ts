import { DurableObject } from "cloudflare:workers";
import {
  assertWindowRule,
  type LimitResult,
  type SlotResult,
  type TokenBucketRule,
  toRetrySeconds,
  type WindowRule,
} from "./rules.ts";
import { type BucketState, msUntilFull, takeTokens } from "./token-bucket.ts";

// One object per limit key holds at most one bucket row, `limit` hit rows or `max` slot rows.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS bucket (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    tokens REAL NOT NULL,
    updated_at INTEGER NOT NULL,
    capacity REAL NOT NULL,
    refill_per_second REAL NOT NULL
  );
  CREATE TABLE IF NOT EXISTS hits (expires_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS slots (slot_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
`;
/** Storage is wiped a little after the key goes idle, so that a deletion never races a due refill. */
const CLEANUP_SLACK_MS = 1_000;
const MAX_SLOT_ID_LENGTH = 128;

/**
 * One Durable Object per limit key (`idFromName(key)`, e.g. `login:ip:203.0.113.7`): every isolate in
 * every location asks the same object, so a limit holds globally — which per-isolate memory cannot do.
 * State lives in the object's SQLite storage, so it survives eviction, restarts and deploys. Methods do
 * their reads and writes synchronously, so concurrent calls for one key never interleave.
 *
 * `now` (ms) is injectable for tests only; the worker never passes it, so the clock is the object's own.
 * When a key is idle again (bucket full, no live hits or slots) an alarm deletes its storage, so millions
 * of one-off IPs do not accumulate.
 */
export class RateLimiter extends DurableObject {
  #schemaReady = false;

  /** Token bucket: takes `rule.cost` tokens (default 1) or says how long until enough have refilled. */
  async take(rule: TokenBucketRule, now: number = Date.now()): Promise<LimitResult> {
    const sql = this.#sql();
    const row = sql
      .exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM bucket WHERE id = 0")
      .toArray()[0];
    const previous: BucketState | undefined = row && { tokens: row.tokens, updatedAt: row.updated_at };
    const { state, result } = takeTokens(previous, rule, now);
    // A refusal changes nothing worth storing: a flood of refused calls costs reads, not writes.
    if (!result.allowed) return result;
    sql.exec(
      `INSERT INTO bucket (id, tokens, updated_at, capacity, refill_per_second) VALUES (0, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at,
         capacity = excluded.capacity, refill_per_second = excluded.refill_per_second`,
      state.tokens,
      state.updatedAt,
      rule.capacity,
      rule.refillPerSecond,
    );
    await this.#scheduleCleanup(now);
    return result;
  }

  /**
   * Rolling window, recording: counts one event if fewer than `limit` happened in the last window. Used
   * for failed logins, where "at most 100 per hour" must be exact (a bucket would allow up to twice that).
   */
  async recordHit(rule: WindowRule, now: number = Date.now()): Promise<LimitResult> {
    assertWindowRule(rule);
    const sql = this.#sql();
    sql.exec("DELETE FROM hits WHERE expires_at <= ?", now);
    const result = this.#windowState(rule, now);
    if (!result.allowed) return result;
    sql.exec("INSERT INTO hits (expires_at) VALUES (?)", now + rule.windowSeconds * 1000);
    await this.#scheduleCleanup(now);
    return { ...result, remaining: result.remaining - 1 };
  }

  /** Rolling window, read-only: would one more event be allowed? (Checks the budget before the work.) */
  async checkHits(rule: WindowRule, now: number = Date.now()): Promise<LimitResult> {
    assertWindowRule(rule);
    return this.#windowState(rule, now);
  }

  /**
   * Concurrency: holds `slotId` for `leaseMs` if fewer than `max` live slots are held. Acquiring a slot
   * already held renews its lease. A lease that is never released (a crashed run) expires by itself.
   */
  async acquire(slotId: string, max: number, leaseMs: number, now: number = Date.now()): Promise<SlotResult> {
    if (typeof slotId !== "string" || slotId.length === 0 || slotId.length > MAX_SLOT_ID_LENGTH)
      throw new RangeError("slotId must be a non-empty string of at most 128 characters");
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError("max must be a positive integer");
    if (!(Number.isFinite(leaseMs) && leaseMs > 0)) throw new RangeError("leaseMs must be positive");
    const sql = this.#sql();
    sql.exec("DELETE FROM slots WHERE expires_at <= ?", now);
    const held = sql.exec("SELECT 1 FROM slots WHERE slot_id = ?", slotId).toArray().length > 0;
    const active = this.#count("SELECT COUNT(*) AS n FROM slots");
    if (!held && active >= max) {
      // The (active - max + 1)-th earliest expiry is when a slot frees even if nobody releases one.
      const [freeing] = sql
        .exec<{ expires_at: number }>(
          "SELECT expires_at FROM slots ORDER BY expires_at LIMIT 1 OFFSET ?",
          active - max,
        )
        .toArray();
      const waitMs = (freeing?.expires_at ?? now + leaseMs) - now;
      return { allowed: false, active, retryAfterSeconds: toRetrySeconds(waitMs) };
    }
    sql.exec(
      `INSERT INTO slots (slot_id, expires_at) VALUES (?, ?)
       ON CONFLICT (slot_id) DO UPDATE SET expires_at = excluded.expires_at`,
      slotId,
      now + leaseMs,
    );
    await this.#scheduleCleanup(now);
    return { allowed: true, active: held ? active : active + 1, retryAfterSeconds: 0 };
  }

  /** Frees `slotId`; true if it was held. Releasing twice (or after expiry) is harmless. */
  async release(slotId: string, now: number = Date.now()): Promise<boolean> {
    const removed = this.#sql()
      .exec("DELETE FROM slots WHERE slot_id = ? RETURNING slot_id", slotId)
      .toArray();
    if (removed.length > 0) await this.#scheduleCleanup(now);
    return removed.length > 0;
  }

  /** Deletes the key's storage once it is idle; otherwise checks again when it will be. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const idleInMs = this.#msUntilIdle(now);
    if (idleInMs > 0) {
      await this.ctx.storage.setAlarm(now + idleInMs + CLEANUP_SLACK_MS);
      return;
    }
    await this.ctx.storage.deleteAll();
    this.#schemaReady = false;
  }

  /** Creates the tables on first use after activation or after a cleanup deleted them. */
  #sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.#schemaReady) {
      sql.exec(SCHEMA);
      this.#schemaReady = true;
    }
    return sql;
  }

  #count(query: string, ...bindings: SqlStorageValue[]): number {
    return this.#sql()
      .exec<{ n: number }>(query, ...bindings)
      .one().n;
  }

  #windowState(rule: WindowRule, now: number): LimitResult {
    const live = this.#count("SELECT COUNT(*) AS n FROM hits WHERE expires_at > ?", now);
    if (live < rule.limit) return { allowed: true, retryAfterSeconds: 0, remaining: rule.limit - live };
    // If the limit was lowered, more than one hit must expire before the next is allowed.
    const [freeing] = this.#sql()
      .exec<{ expires_at: number }>(
        "SELECT expires_at FROM hits WHERE expires_at > ? ORDER BY expires_at LIMIT 1 OFFSET ?",
        now,
        live - rule.limit,
      )
      .toArray();
    const waitMs = (freeing?.expires_at ?? now + rule.windowSeconds * 1000) - now;
    return { allowed: false, retryAfterSeconds: toRetrySeconds(waitMs), remaining: 0 };
  }

  #msUntilIdle(now: number): number {
    const sql = this.#sql();
    const bucket = sql
      .exec<{ tokens: number; updated_at: number; capacity: number; refill_per_second: number }>(
        "SELECT tokens, updated_at, capacity, refill_per_second FROM bucket WHERE id = 0",
      )
      .toArray()[0];
    const bucketMs = bucket
      ? msUntilFull(
          { tokens: bucket.tokens, updatedAt: bucket.updated_at },
          bucket.capacity,
          bucket.refill_per_second,
          now,
        )
      : 0;
    const latest = sql
      .exec<{ at: number | null }>(
        "SELECT MAX(at) AS at FROM (SELECT MAX(expires_at) AS at FROM hits UNION ALL SELECT MAX(expires_at) FROM slots)",
      )
      .one().at;
    return Math.max(bucketMs, (latest ?? now) - now, 0);
  }

  /** Real time for the alarm (alarms fire on the real clock), the key's own `now` for the duration. */
  async #scheduleCleanup(now: number): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + this.#msUntilIdle(now) + CLEANUP_SLACK_MS);
  }
}
