import { scrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from "../../src/crypto/password.ts";

// Each hash costs a real scrypt (N=2^15, r=8, p=3), so the tests share a few instead of hashing per case.
const PASSWORD = "correct horse battery staple";

describe("password hashing (scrypt, in workerd)", () => {
  it("hashes in workerd without hitting the cost cap, in the self-describing format", async () => {
    // Guards the premise of this file: these tests run in workerd, whose scrypt has a cost cap, not in Node.
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    const started = performance.now();
    const encoded = await hashPassword(PASSWORD);
    const elapsed = performance.now() - started;
    console.log(`hashPassword took ${elapsed.toFixed(0)} ms in workerd`);
    expect(encoded).toMatch(/^scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(PASSWORD, encoded)).toBe(true);
  });

  it("uses a fresh salt each time", async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
    expect(a.split("$")[2]).not.toBe(b.split("$")[2]);
  });

  it("rejects a wrong password", async () => {
    const encoded = await hashPassword(PASSWORD);
    expect(await verifyPassword("correct horse battery stapler", encoded)).toBe(false);
    expect(await verifyPassword("", encoded)).toBe(false);
    expect(await verifyPassword(PASSWORD.toUpperCase(), encoded)).toBe(false);
  });

  it("matches Node's scrypt for the same parameters (interoperable format)", async () => {
    const encoded = await hashPassword("pässwörd");
    const [, , saltB64 = "", hashB64 = ""] = encoded.split("$");
    const salt = Uint8Array.from(atob(saltB64), (c) => c.charCodeAt(0));
    const expected = await new Promise<Uint8Array>((resolve, reject) =>
      scrypt("pässwörd", salt, 32, { N: 2 ** 15, r: 8, p: 3, maxmem: 64 * 1024 * 1024 }, (error, key) =>
        error ? reject(error) : resolve(new Uint8Array(key)),
      ),
    );
    expect(Uint8Array.from(atob(hashB64), (c) => c.charCodeAt(0))).toEqual(expected);
  });

  it("treats composed and decomposed Unicode the same (NFKC)", async () => {
    const composed = "caf\u00e9";
    const decomposed = "cafe\u0301";
    const encoded = await hashPassword(composed);
    expect(await verifyPassword(decomposed, encoded)).toBe(true);
  });

  it("returns false instead of throwing for malformed or unsupported hashes", async () => {
    const valid = DUMMY_PASSWORD_HASH;
    const malformed: unknown[] = [
      "",
      "not a hash",
      "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", // bcrypt
      valid.replace("scrypt$", "argon2$"),
      valid.replace("ln=15", "ln=0"),
      valid.replace("ln=15", "ln=21"), // over workerd's cost cap
      valid.replace("p=3", "p=0"),
      valid.replace("r=8", "r=999"),
      valid.replace(/\$[^$]+$/, "$!!!!"),
      valid.replace(/\$[^$]+$/, "$"),
      `${valid}$extra`,
      `${valid}=`,
      null,
      undefined,
      42,
    ];
    for (const encoded of malformed) {
      await expect(verifyPassword(PASSWORD, encoded as string), String(encoded)).resolves.toBe(false);
    }
    await expect(verifyPassword(undefined as unknown as string, valid)).resolves.toBe(false);
  });

  it("verifies hashes with other (older) parameters and flags them for rehash", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await new Promise<Uint8Array>((resolve, reject) =>
      scrypt(PASSWORD, salt, 32, { N: 2 ** 14, r: 8, p: 1 }, (error, k) =>
        error ? reject(error) : resolve(new Uint8Array(k)),
      ),
    );
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
    const older = `scrypt$ln=14,r=8,p=1$${b64(salt)}$${b64(key)}`;
    expect(await verifyPassword(PASSWORD, older)).toBe(true);
    expect(await verifyPassword("wrong", older)).toBe(false);
    expect(needsRehash(older)).toBe(true);
  });

  it("needsRehash is false for current hashes and true for anything else", async () => {
    expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    expect(needsRehash("garbage")).toBe(true);
    expect(needsRehash(DUMMY_PASSWORD_HASH.replace("p=3", "p=2"))).toBe(true);
  });

  it("verifyAgainstDummy always returns false and costs a full scrypt with the current parameters", async () => {
    expect(await verifyAgainstDummy(PASSWORD)).toBe(false);
    expect(await verifyAgainstDummy(undefined as unknown as string)).toBe(false);
    // The structural guarantee: the dummy hash uses exactly the parameters real hashes get.
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    // A timing sanity check with a loose lower bound only (other test files run in parallel): it catches a
    // dummy path that was skipped or became cheap, not small differences.
    const encoded = await hashPassword(PASSWORD);
    const fastest = async (run: () => Promise<unknown>) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 2; i++) {
        const started = performance.now();
        await run();
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const real = await fastest(() => verifyPassword(PASSWORD, encoded));
    const dummy = await fastest(() => verifyAgainstDummy(PASSWORD));
    expect(dummy).toBeGreaterThan(real * 0.3);
  });
});
