import { describe, expect, it } from "vitest";
import { msUntilFull, takeTokens, tokensAt } from "../../../durable-objects/src/rate-limit/token-bucket.ts";

// Pure arithmetic of the bucket the RateLimiter object stores; no clock involved.
describe("token bucket arithmetic", () => {
  const rule = { capacity: 10, refillPerSecond: 20 / 60 }; // the chat default: burst 10, 20 per minute

  it("starts full and takes one token per call", () => {
    const { state, result } = takeTokens(undefined, rule, 1_000);
    expect(result).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 9 });
    expect(state).toEqual({ tokens: 9, updatedAt: 1_000 });
  });

  it("refuses an empty bucket with the seconds until one token has refilled, taking nothing", () => {
    const empty = { tokens: 0, updatedAt: 0 };
    const { state, result } = takeTokens(empty, rule, 0);
    expect(result).toEqual({ allowed: false, retryAfterSeconds: 3, remaining: 0 });
    expect(state.tokens).toBe(0);
    // Half-way to the next token: 1.5 s left, reported as 2 (rounded up).
    expect(takeTokens(empty, rule, 1_500).result.retryAfterSeconds).toBe(2);
  });

  it("refills continuously, allows a token exactly when it is due, and caps at capacity", () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(tokensAt(empty, rule, 1_500)).toBeCloseTo(0.5);
    expect(takeTokens(empty, rule, 2_999).result.allowed).toBe(false);
    expect(takeTokens(empty, rule, 3_000).result.allowed).toBe(true);
    expect(tokensAt(empty, rule, 3_600_000)).toBe(10);
    // 12 s × 5/60 is not exactly 1 in floating point; the due token must still be granted.
    expect(
      takeTokens({ tokens: 0, updatedAt: 0 }, { capacity: 5, refillPerSecond: 5 / 60 }, 12_000).result,
    ).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("charges a cost and waits for all of it", () => {
    const heavy = { ...rule, cost: 4 };
    const { result } = takeTokens({ tokens: 1, updatedAt: 0 }, heavy, 0);
    expect(result).toEqual({ allowed: false, retryAfterSeconds: 9, remaining: 0 });
  });

  it("does not refill when the clock goes backwards", () => {
    expect(tokensAt({ tokens: 2, updatedAt: 10_000 }, rule, 5_000)).toBe(2);
  });

  it("rejects rules that could never allow anything", () => {
    expect(() => takeTokens(undefined, { capacity: 0, refillPerSecond: 1 }, 0)).toThrow(RangeError);
    expect(() => takeTokens(undefined, { capacity: 1, refillPerSecond: 0 }, 0)).toThrow(RangeError);
    expect(() => takeTokens(undefined, { capacity: 1, refillPerSecond: 1, cost: 2 }, 0)).toThrow(RangeError);
  });

  it("knows when a bucket is full again (and its state can be forgotten)", () => {
    expect(msUntilFull({ tokens: 7, updatedAt: 0 }, 10, 1, 0)).toBe(3_000);
    expect(msUntilFull({ tokens: 7, updatedAt: 0 }, 10, 1, 5_000)).toBe(0);
  });
});
