import { describe, expect, it } from "vitest";
import { randomToken, sha256Hex } from "../../src/crypto/opaque-token.ts";

describe("opaque tokens", () => {
  it("are 32 random bytes as unpadded base64url after the prefix", () => {
    const token = randomToken("sb_rt_");
    expect(token).toMatch(/^sb_rt_[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken("", 16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("do not repeat", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken("sb_rt_")));
    expect(tokens.size).toBe(1000);
  });

  it("refuse weak lengths and unsafe prefixes", () => {
    expect(() => randomToken("", 15)).toThrow(RangeError);
    expect(() => randomToken("", 1.5)).toThrow(RangeError);
    expect(() => randomToken("a b")).toThrow(RangeError);
    expect(() => randomToken("x/")).toThrow(RangeError);
  });
});

describe("sha256Hex", () => {
  it("matches the FIPS 180-2 test vectors", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("hashes UTF-8", async () => {
    // sha256 of the UTF-8 bytes c3 a9 ("é").
    expect(await sha256Hex("\u00e9")).toMatch(/^[0-9a-f]{64}$/);
    expect(await sha256Hex("\u00e9")).not.toBe(await sha256Hex("e"));
  });
});
