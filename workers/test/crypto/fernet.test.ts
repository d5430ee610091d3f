import {
  decodeBase64Url,
  encodeBase64Url,
  Fernet,
  generateFernetKey,
  InvalidFernetKey,
  InvalidFernetToken,
  MultiFernet,
  parseFernetKeys,
} from "@switchboard/durable-objects/crypto";
import { describe, expect, it } from "vitest";
import generateVectors from "./fernet-vectors/generate.json";
import invalidVectors from "./fernet-vectors/invalid.json";
import verifyVectors from "./fernet-vectors/verify.json";

describe("Fernet spec vectors", () => {
  it.each(generateVectors)("generate.json: encrypts $src to the exact token", async (vector) => {
    const fernet = await Fernet.fromKey(vector.secret);
    const token = await fernet.encrypt(vector.src, {
      now: new Date(vector.now),
      iv: new Uint8Array(vector.iv),
    });
    expect(token).toBe(vector.token);
  });

  it.each(verifyVectors)("verify.json: decrypts to $src", async (vector) => {
    const fernet = await Fernet.fromKey(vector.secret);
    const text = await fernet.decryptText(vector.token, {
      now: new Date(vector.now),
      ttlSeconds: vector.ttl_sec,
    });
    expect(text).toBe(vector.src);
  });

  it.each(invalidVectors)("invalid.json: rejects '$desc'", async (vector) => {
    const fernet = await Fernet.fromKey(vector.secret);
    const attempt = fernet.decrypt(vector.token, { now: new Date(vector.now), ttlSeconds: vector.ttl_sec });
    await expect(attempt).rejects.toThrow(InvalidFernetToken);
    await expect(attempt).rejects.toThrow("Invalid Fernet token");
  });
});

describe("Fernet", () => {
  it("round-trips text and bytes with a random IV", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    const a = await fernet.encrypt("sk-live-ü-🔑");
    const b = await fernet.encrypt("sk-live-ü-🔑");
    expect(a).not.toBe(b);
    expect(await fernet.decryptText(a)).toBe("sk-live-ü-🔑");
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(await fernet.decrypt(await fernet.encrypt(bytes))).toEqual(bytes);
    expect(await fernet.decryptText(await fernet.encrypt(""))).toBe("");
  });

  it("writes padded base64url tokens starting with the version byte", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    const token = await fernet.encrypt("x".repeat(20));
    expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+={0,2}$/);
    expect(token.length % 4).toBe(0);
  });

  it("enforces the TTL and the 60 s clock-skew limit", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    const issued = new Date("2026-01-01T00:00:00Z");
    const token = await fernet.encrypt("x", { now: issued });
    const at = (seconds: number) => new Date(issued.getTime() + seconds * 1000);
    await expect(fernet.decryptText(token, { now: at(60), ttlSeconds: 60 })).resolves.toBe("x");
    await expect(fernet.decrypt(token, { now: at(61), ttlSeconds: 60 })).rejects.toThrow(InvalidFernetToken);
    await expect(fernet.decryptText(token, { now: at(-60) })).resolves.toBe("x");
    await expect(fernet.decrypt(token, { now: at(-61) })).rejects.toThrow(InvalidFernetToken);
    // Without a TTL, age is not checked.
    await expect(fernet.decryptText(token, { now: at(10 * 365 * 86_400) })).resolves.toBe("x");
  });

  it("returns the timestamp with decryptWithTimestamp", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    const now = new Date("2026-03-04T05:06:07.890Z");
    const { issuedAt } = await fernet.decryptWithTimestamp(await fernet.encrypt("x", { now }));
    expect(issuedAt).toEqual(new Date("2026-03-04T05:06:07Z"));
  });

  it("rejects a token made with another key", async () => {
    const token = await (await Fernet.fromKey(generateFernetKey())).encrypt("x");
    await expect((await Fernet.fromKey(generateFernetKey())).decrypt(token)).rejects.toThrow(
      InvalidFernetToken,
    );
  });

  it("rejects a change to any byte (version, timestamp, IV, ciphertext, HMAC)", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    const token = await fernet.encrypt("two blocks of plaintext, please");
    const bytes = decodeBase64Url(token) ?? new Uint8Array();
    expect(bytes.length).toBe(1 + 8 + 16 + 32 + 32);
    const failures: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const tampered = bytes.slice();
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      try {
        await fernet.decrypt(encodeBase64Url(tampered));
        failures.push(i);
      } catch (error) {
        if (!(error instanceof InvalidFernetToken)) failures.push(i);
      }
    }
    expect(failures).toEqual([]);
  });

  it("rejects truncated, extended and malformed tokens with the same error", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    // The standard-alphabet candidate only differs from the token when the token holds "-" or "_"; about
    // one random token in twenty-five has neither, so draw until one does.
    let token = await fernet.encrypt("hello");
    while (!/[-_]/.test(token)) token = await fernet.encrypt("hello");
    const bytes = decodeBase64Url(token) ?? new Uint8Array();
    const candidates = [
      "",
      "gAAAAA",
      token.replace(/=+$/, ""), // padding is required by the spec
      ` ${token}`,
      `${token}\n`,
      token.replace(/-/g, "+").replace(/_/g, "/"), // standard base64 alphabet
      encodeBase64Url(bytes.subarray(0, bytes.length - 1)),
      encodeBase64Url(bytes.subarray(0, bytes.length - 16)),
      encodeBase64Url(new Uint8Array([...bytes, 0])),
      encodeBase64Url(new Uint8Array([...bytes.subarray(0, 25), ...bytes.subarray(41)])), // a block removed
      undefined as unknown as string,
    ];
    expect(candidates).not.toContain(token);
    for (const candidate of candidates) {
      const error = await fernet.decrypt(candidate).catch((e: unknown) => e);
      expect(error, JSON.stringify(candidate)).toBeInstanceOf(InvalidFernetToken);
      expect((error as Error).message).toBe("Invalid Fernet token");
    }
  });

  it("rejects bad keys with a clear error that does not echo the key", async () => {
    for (const key of [
      "",
      "short",
      "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",
      "A".repeat(44),
      "c3VwZXI=",
    ]) {
      const error = await Fernet.fromKey(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidFernetKey);
      if (key.length > 0) expect((error as Error).message).not.toContain(key);
    }
  });

  it("rejects wrong-size IVs and nonsense options as programming errors", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    await expect(fernet.encrypt("x", { iv: new Uint8Array(15) })).rejects.toThrow(RangeError);
    const token = await fernet.encrypt("x");
    await expect(fernet.decrypt(token, { ttlSeconds: -1 })).rejects.toThrow(RangeError);
    await expect(fernet.decrypt(token, { now: new Date(Number.NaN) })).rejects.toThrow(RangeError);
  });

  it("throws TypeError, not InvalidFernetToken, for authentic non-UTF-8 plaintext", async () => {
    const fernet = await Fernet.fromKey(generateFernetKey());
    const token = await fernet.encrypt(new Uint8Array([0xff, 0xfe]));
    await expect(fernet.decryptText(token)).rejects.toThrow(TypeError);
  });

  it("generates 44-character keys of 32 random bytes", () => {
    const key = generateFernetKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(decodeBase64Url(key)?.length).toBe(32);
    expect(generateFernetKey()).not.toBe(key);
  });
});

describe("MultiFernet", () => {
  it("encrypts with the newest key and decrypts tokens of older keys", async () => {
    const [newKey, oldKey] = [generateFernetKey(), generateFernetKey()];
    const oldOnly = await Fernet.fromKey(oldKey);
    const newOnly = await Fernet.fromKey(newKey);
    const multi = await MultiFernet.fromKeys([newKey, oldKey]);

    const legacy = await oldOnly.encrypt("old secret");
    expect(await multi.decryptText(legacy)).toBe("old secret");

    const fresh = await multi.encrypt("new secret");
    expect(await newOnly.decryptText(fresh)).toBe("new secret");
    await expect(oldOnly.decrypt(fresh)).rejects.toThrow(InvalidFernetToken);
  });

  it("rotate re-encrypts under the newest key and keeps the original timestamp", async () => {
    const [newKey, oldKey] = [generateFernetKey(), generateFernetKey()];
    const oldOnly = await Fernet.fromKey(oldKey);
    const newOnly = await Fernet.fromKey(newKey);
    const multi = await MultiFernet.fromKeys([newKey, oldKey]);
    const issued = new Date("2025-06-01T12:00:00Z");
    const legacy = await oldOnly.encrypt("rotate me", { now: issued });

    const rotated = await multi.rotate(legacy);
    expect(rotated).not.toBe(legacy);
    const opened = await newOnly.decryptWithTimestamp(rotated);
    expect(new TextDecoder().decode(opened.plaintext)).toBe("rotate me");
    expect(opened.issuedAt).toEqual(issued);
    await expect(oldOnly.decrypt(rotated)).rejects.toThrow(InvalidFernetToken);
    // Rotating twice is harmless.
    expect(await newOnly.decryptText(await multi.rotate(rotated))).toBe("rotate me");
  });

  it("rejects tokens of a key it does not hold, also when rotating", async () => {
    const multi = await MultiFernet.fromKeys([generateFernetKey(), generateFernetKey()]);
    const foreign = await (await Fernet.fromKey(generateFernetKey())).encrypt("x");
    await expect(multi.decrypt(foreign)).rejects.toThrow(InvalidFernetToken);
    await expect(multi.rotate(foreign)).rejects.toThrow(InvalidFernetToken);
  });

  it("applies the TTL across all keys", async () => {
    const [newKey, oldKey] = [generateFernetKey(), generateFernetKey()];
    const multi = await MultiFernet.fromKeys([newKey, oldKey]);
    const token = await (await Fernet.fromKey(oldKey)).encrypt("x", {
      now: new Date("2026-01-01T00:00:00Z"),
    });
    const later = new Date("2026-01-01T00:02:00Z");
    await expect(multi.decrypt(token, { now: later, ttlSeconds: 60 })).rejects.toThrow(InvalidFernetToken);
    await expect(multi.decryptText(token, { now: later, ttlSeconds: 180 })).resolves.toBe("x");
  });

  it("needs at least one key", async () => {
    expect(() => new MultiFernet([])).toThrow(InvalidFernetKey);
    await expect(MultiFernet.fromKeys([])).rejects.toThrow(InvalidFernetKey);
  });
});

describe("parseFernetKeys", () => {
  it("splits a comma-separated env value, newest first, ignoring spaces and empty entries", () => {
    const [a, b] = [generateFernetKey(), generateFernetKey()];
    expect(parseFernetKeys(`${a}, ${b},`)).toEqual([a, b]);
    expect(parseFernetKeys(` ${a} `)).toEqual([a]);
  });

  it("names the bad key by position, never by value", () => {
    const good = generateFernetKey();
    const bad = "not-a-real-key";
    expect(() => parseFernetKeys(`${good},${bad}`)).toThrow(InvalidFernetKey);
    expect(() => parseFernetKeys(`${good},${bad}`)).toThrow(/Fernet key #2 of 2 is invalid/);
    try {
      parseFernetKeys(`${good},${bad}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(bad);
    }
  });

  it("rejects an empty value", () => {
    expect(() => parseFernetKeys("")).toThrow(/No Fernet keys configured/);
    expect(() => parseFernetKeys(" , ")).toThrow(InvalidFernetKey);
  });
});
