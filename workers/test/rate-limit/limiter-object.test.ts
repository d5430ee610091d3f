import {
  abortAllDurableObjects,
  evictDurableObject,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { limiterStub, type RateLimiter } from "@switchboard/durable-objects";
import { describe, expect, it } from "vitest";

// The RateLimiter Durable Object over RPC, as the worker calls it. Time is injected (`now`), starting from
// the real clock so the cleanup alarm (which runs on the real clock) never sees a key as idle too early.
const uniqueKey = (name: string) => `test:${name}:${crypto.randomUUID()}`;
const limiter = (name: string) => limiterStub(env.RATE_LIMITER, uniqueKey(name));
const t0 = () => Date.now();

describe("RateLimiter: token bucket", () => {
  it("allows the burst, refuses the next with a Retry-After, and refills over time", async () => {
    const stub = limiter("bucket");
    const rule = { capacity: 3, refillPerSecond: 1 / 10 };
    const now = t0();
    for (const remaining of [2, 1, 0]) {
      expect(await stub.take(rule, now)).toEqual({ allowed: true, retryAfterSeconds: 0, remaining });
    }
    expect(await stub.take(rule, now + 4_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 6,
      remaining: 0,
    });
    expect((await stub.take(rule, now + 10_000)).allowed).toBe(true);
    expect((await stub.take(rule, now + 10_000)).allowed).toBe(false);
  });

  it("keys are independent objects", async () => {
    const rule = { capacity: 1, refillPerSecond: 1 / 60 };
    const [a, b] = [limiter("a"), limiter("b")];
    const now = t0();
    expect((await a.take(rule, now)).allowed).toBe(true);
    expect((await a.take(rule, now)).allowed).toBe(false);
    expect((await b.take(rule, now)).allowed).toBe(true);
  });

  it("serialises concurrent calls for one key: exactly `capacity` of a burst get through", async () => {
    const stub = limiter("burst");
    const rule = { capacity: 5, refillPerSecond: 1 / 60 };
    const now = t0();
    const results = await Promise.all(Array.from({ length: 20 }, () => stub.take(rule, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});

describe("RateLimiter: rolling window", () => {
  it("allows `limit` events per window, exactly, and frees them as they age out", async () => {
    const stub = limiter("window");
    const rule = { limit: 3, windowSeconds: 60 };
    const now = t0();
    await stub.recordHit(rule, now);
    await stub.recordHit(rule, now + 10_000);
    expect(await stub.recordHit(rule, now + 20_000)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 0,
    });
    // The oldest hit expires at now + 60 s: 20 s to wait at now + 40 s.
    expect(await stub.recordHit(rule, now + 40_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 20,
      remaining: 0,
    });
    expect((await stub.recordHit(rule, now + 60_000)).allowed).toBe(true);
    expect((await stub.recordHit(rule, now + 60_000)).allowed).toBe(false);
  });

  it("checks without recording", async () => {
    const stub = limiter("check");
    const rule = { limit: 1, windowSeconds: 60 };
    const now = t0();
    expect(await stub.checkHits(rule, now)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await stub.checkHits(rule, now)).toMatchObject({ allowed: true, remaining: 1 });
    await stub.recordHit(rule, now);
    expect(await stub.checkHits(rule, now + 1_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 59,
      remaining: 0,
    });
  });

  it("a refused event is not recorded, so hammering does not extend the wait", async () => {
    const stub = limiter("hammer");
    const rule = { limit: 1, windowSeconds: 60 };
    const now = t0();
    await stub.recordHit(rule, now);
    for (let s = 1; s < 60; s += 5) expect((await stub.recordHit(rule, now + s * 1000)).allowed).toBe(false);
    expect((await stub.recordHit(rule, now + 60_000)).allowed).toBe(true);
  });
});

describe("RateLimiter: concurrency slots", () => {
  const lease = 15 * 60_000;

  it("holds at most `max` slots; release frees one; releasing twice is harmless", async () => {
    const stub = limiter("slots");
    const now = t0();
    for (const id of ["r1", "r2", "r3"]) expect((await stub.acquire(id, 3, lease, now)).allowed).toBe(true);
    const refused = await stub.acquire("r4", 3, lease, now + 1_000);
    expect(refused).toMatchObject({ allowed: false, active: 3 });
    expect(refused.retryAfterSeconds).toBe(lease / 1000 - 1);
    expect(await stub.release("r2")).toBe(true);
    expect(await stub.release("r2")).toBe(false);
    expect(await stub.acquire("r4", 3, lease, now + 2_000)).toEqual({
      allowed: true,
      active: 3,
      retryAfterSeconds: 0,
    });
  });

  it("re-acquiring a held slot renews its lease instead of taking another", async () => {
    const stub = limiter("renew");
    const now = t0();
    await stub.acquire("r1", 1, 10_000, now);
    expect(await stub.acquire("r1", 1, 10_000, now + 8_000)).toMatchObject({ allowed: true, active: 1 });
    // Renewed at +8 s, so still held at +12 s.
    expect((await stub.acquire("r2", 1, 10_000, now + 12_000)).allowed).toBe(false);
  });

  it("a lease that is never released expires (a crashed run does not hold a slot forever)", async () => {
    const stub = limiter("expiry");
    const now = t0();
    await stub.acquire("crashed", 1, lease, now);
    expect((await stub.acquire("next", 1, lease, now + lease - 1)).allowed).toBe(false);
    expect((await stub.acquire("next", 1, lease, now + lease)).allowed).toBe(true);
  });
});

describe("RateLimiter: durability", () => {
  it("keeps its counts across eviction (in-memory state gone, storage kept)", async () => {
    const stub = limiter("evict");
    const bucket = { capacity: 2, refillPerSecond: 1 / 60 };
    const window = { limit: 1, windowSeconds: 60 };
    const now = t0();
    await stub.take(bucket, now);
    await stub.take(bucket, now);
    await stub.recordHit(window, now);
    await stub.acquire("run", 1, 60_000, now);
    await evictDurableObject(stub);
    expect((await stub.take(bucket, now + 1_000)).allowed).toBe(false);
    expect((await stub.checkHits(window, now + 1_000)).allowed).toBe(false);
    expect((await stub.acquire("other", 1, 60_000, now + 1_000)).allowed).toBe(false);
  });

  it("keeps its counts across an abrupt reset of every object", async () => {
    const key = uniqueKey("abort");
    const rule = { capacity: 1, refillPerSecond: 1 / 60 };
    const now = t0();
    await limiterStub(env.RATE_LIMITER, key).take(rule, now);
    await abortAllDurableObjects();
    // A stub to an aborted object is broken; a fresh one reaches the new instance.
    expect((await limiterStub(env.RATE_LIMITER, key).take(rule, now + 1_000)).allowed).toBe(false);
  });

  it("deletes a key's storage once it is idle, and works again afterwards", async () => {
    const stub = limiter("cleanup");
    const rule = { capacity: 1, refillPerSecond: 1 / 60 };
    // Taken a minute "ago": by the real clock the bucket is already full again, so the alarm may delete it.
    await stub.take(rule, Date.now() - 61_000);
    const tables = () =>
      runInDurableObject<RateLimiter, number>(
        stub,
        (_, state) =>
          state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().length,
      );
    expect(await tables()).toBeGreaterThan(0);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await tables()).toBe(0);
    expect((await stub.take(rule)).allowed).toBe(true);
  });

  it("does not delete a key that is still limiting", async () => {
    const stub = limiter("busy");
    const rule = { capacity: 1, refillPerSecond: 1 / 60 };
    await stub.take(rule);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.take(rule)).allowed).toBe(false);
  });
});
