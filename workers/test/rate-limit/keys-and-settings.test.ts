import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { authLimits, chatLimits, describeWait, emailHash, normalizeIp } from "../../src/rate-limit/index.ts";
import { setting } from "../../src/rate-limit/limits.ts";

describe("client addresses", () => {
  it("keeps IPv4, groups IPv6 by /64, unwraps IPv4-mapped IPv6, and names local and invalid", () => {
    expect(normalizeIp("203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeIp("2001:db8:abcd:12:1:2:3:4")).toBe("2001:db8:abcd:12::/64");
    expect(normalizeIp("2001:DB8:ABCD:0012::99")).toBe("2001:db8:abcd:12::/64");
    expect(normalizeIp("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(normalizeIp("::ffff:198.51.100.4")).toBe("198.51.100.4");
    expect(normalizeIp("::ffff:c633:6404")).toBe("198.51.100.4");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(normalizeIp(undefined)).toBe("local");
    expect(normalizeIp(" ")).toBe("local");
    expect(normalizeIp("not-an-ip")).toBe("invalid");
    expect(normalizeIp("1:2:3:4:5:6:7:8:9")).toBe("invalid");
    expect(normalizeIp("1::2::3")).toBe("invalid");
  });

  it("names accounts by a hash of the email, the same however it is typed", async () => {
    const hash = await emailHash(" Ada@Example.com ");
    expect(hash).toBe(await emailHash("ada@example.com"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("messages", () => {
  it("says how long to wait in words, rounded up", () => {
    expect(describeWait(0.2)).toBe("1 second");
    expect(describeWait(40)).toBe("40 seconds");
    expect(describeWait(60)).toBe("1 minute");
    expect(describeWait(61)).toBe("2 minutes");
    expect(describeWait(3599)).toBe("1 hour");
    expect(describeWait(7200)).toBe("2 hours");
  });
});

describe("settings", () => {
  it("defaults to the issue's limits", () => {
    expect(authLimits(env)).toEqual({
      register: { limit: 5, windowSeconds: 60 },
      login: { limit: 10, windowSeconds: 60 },
      loginFailures: { limit: 100, windowSeconds: 3600 },
    });
    const chat = chatLimits(env);
    expect(chat.user).toEqual({ capacity: 10, refillPerSecond: 20 / 60 });
    expect(chat.apiKey).toEqual(chat.user);
    expect(chat.concurrentRuns).toBe(3);
    expect(chat.runLeaseMs).toBe(15 * 60_000);
  });

  it("reads overrides, and ignores (with a warning) values that would disable or break a limit", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(chatLimits({ ...env, RATE_API_KEY_CHAT_PER_MINUTE: "120", RATE_CHAT_BURST: "4" }).apiKey).toEqual({
      capacity: 4,
      refillPerSecond: 2,
    });
    for (const bad of ["0", "-1", "1.5", "abc", "Infinity"]) expect(setting(bad, 7)).toBe(7);
    expect(warn).toHaveBeenCalledTimes(5);
    expect(setting(" ", 7)).toBe(7);
  });
});
