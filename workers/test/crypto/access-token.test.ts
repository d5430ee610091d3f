import { encodeBase64Url } from "@switchboard/durable-objects/crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  AccessTokenConfigError,
  InvalidAccessToken,
  signAccessToken,
  verifyAccessToken,
} from "../../src/crypto/access-token.ts";

const SECRET = "test-secret-that-is-long-enough-0123456789abcdef";
const ISSUER = "switchboard";
const AUDIENCE = "switchboard-api";
const USER = "0b6f6a4e-2b9a-4a8e-9a43-6a5b1f3c9d10";
const verifyOptions = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE };
const key = new TextEncoder().encode(SECRET);

const b64url = (value: unknown) =>
  encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)), { padding: false });
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A correctly signed HS256 token with exactly the given header extras and claims. */
function forge(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "at+jwt", ...header }).sign(key);
}

async function expectRejected(token: string | Promise<string>, code?: string) {
  const error = await verifyAccessToken(await token, verifyOptions).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidAccessToken);
  expect((error as InvalidAccessToken).cause).toBeInstanceOf(Error);
  if (code) expect((error as InvalidAccessToken).code).toBe(code);
}

describe("access tokens", () => {
  it("round-trips: sign then verify returns the user and times", async () => {
    const now = new Date();
    const token = await signAccessToken({
      userId: USER,
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      now,
    });
    const claims = await verifyAccessToken(token, verifyOptions);
    const issued = Math.floor(now.getTime() / 1000) * 1000;
    expect(claims).toEqual({
      userId: USER,
      // Issue time to the millisecond (iat_ms), so revocation can cut between tokens of one second.
      issuedAt: now,
      expiresAt: new Date(issued + 900_000),
    });
  });

  it("carries sub, iat, exp, iss, aud, jti and an HS256/at+jwt header", async () => {
    const token = await signAccessToken({
      userId: USER,
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: 60,
    });
    const [header = "", payload = ""] = token.split(".");
    const decode = (part: string) => JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
    expect(decode(header)).toEqual({ alg: "HS256", typ: "at+jwt" });
    const claims = decode(payload);
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iat_ms", "iss", "jti", "sub"]);
    expect(Math.floor(claims.iat_ms / 1000)).toBe(claims.iat);
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects alg: none (hand-crafted, empty signature)", async () => {
    const claims = { sub: USER, iss: ISSUER, aud: AUDIENCE, iat: nowSeconds(), exp: nowSeconds() + 600 };
    await expectRejected(`${b64url({ alg: "none", typ: "at+jwt" })}.${b64url(claims)}.`);
    await expectRejected(`${b64url({ alg: "none" })}.${b64url(claims)}`);
  });

  it("rejects HS512 signed with the same secret", async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS512", typ: "at+jwt" })
      .setSubject(USER)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(key);
    await expectRejected(token, "ERR_JOSE_ALG_NOT_ALLOWED");
  });

  it("rejects a token signed with another key", async () => {
    const token = await signAccessToken({
      userId: USER,
      secret: "another-secret-that-is-long-enough-0123456789",
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expectRejected(token, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
  });

  it("rejects an expired token (beyond the 5 s tolerance) but accepts one within it", async () => {
    const past = new Date(Date.now() - 61_000);
    const expired = await signAccessToken({
      userId: USER,
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: 50,
      now: past,
    });
    await expectRejected(expired, "ERR_JWT_EXPIRED");
    const justExpired = await signAccessToken({
      userId: USER,
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: 58,
      now: past,
    });
    await expect(verifyAccessToken(justExpired, verifyOptions)).resolves.toMatchObject({ userId: USER });
  });

  it("honours the `now` option when verifying", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const token = await signAccessToken({
      userId: USER,
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      now,
    });
    await expect(verifyAccessToken(token, { ...verifyOptions, now })).resolves.toMatchObject({
      userId: USER,
    });
    const later = new Date(now.getTime() + 906_000);
    await expect(verifyAccessToken(token, { ...verifyOptions, now: later })).rejects.toThrow(
      InvalidAccessToken,
    );
  });

  it("rejects tokens not yet valid: iat or nbf in the future beyond the tolerance", async () => {
    const future = nowSeconds() + 120;
    await expectRejected(forge({ sub: USER, iss: ISSUER, aud: AUDIENCE, iat: future, exp: future + 600 }));
    await expectRejected(
      forge({ sub: USER, iss: ISSUER, aud: AUDIENCE, iat: nowSeconds(), nbf: future, exp: future + 600 }),
    );
    const future2 = new Date(Date.now() + 120_000);
    await expectRejected(
      signAccessToken({ userId: USER, secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: future2 }),
    );
  });

  it("rejects a wrong audience or issuer", async () => {
    const base = { userId: USER, secret: SECRET };
    await expectRejected(
      signAccessToken({ ...base, issuer: ISSUER, audience: "someone-else" }),
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
    );
    await expectRejected(
      signAccessToken({ ...base, issuer: "evil", audience: AUDIENCE }),
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
    );
  });

  it("rejects tokens missing exp, iat or sub, or with an empty sub", async () => {
    const iat = nowSeconds();
    await expectRejected(
      forge({ sub: USER, iss: ISSUER, aud: AUDIENCE, iat }),
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
    );
    await expectRejected(forge({ sub: USER, iss: ISSUER, aud: AUDIENCE, exp: iat + 600 }));
    await expectRejected(forge({ iss: ISSUER, aud: AUDIENCE, iat, exp: iat + 600 }));
    await expectRejected(forge({ sub: "", iss: ISSUER, aud: AUDIENCE, iat, exp: iat + 600 }));
  });

  it("rejects a token with the wrong typ (another kind of JWT under the same secret)", async () => {
    const iat = nowSeconds();
    const claims = { sub: USER, iss: ISSUER, aud: AUDIENCE, iat, exp: iat + 600 };
    await expectRejected(forge(claims, { typ: "JWT" }));
    await expectRejected(new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(key));
  });

  it("rejects a tampered payload and garbage", async () => {
    const token = await signAccessToken({ userId: USER, secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
    const [header, , signature] = token.split(".");
    const iat = nowSeconds();
    const evilPayload = b64url({ sub: "admin", iss: ISSUER, aud: AUDIENCE, iat, exp: iat + 600 });
    await expectRejected(`${header}.${evilPayload}.${signature}`, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    await expectRejected(`${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`);
    for (const garbage of ["", "a.b.c", "not-a-jwt", `${token}.extra`]) await expectRejected(garbage);
  });

  it("refuses secrets shorter than 32 bytes with a configuration error, not a 401-class error", async () => {
    const shortSecret = "x".repeat(31);
    const error = await signAccessToken({
      userId: USER,
      secret: shortSecret,
      issuer: ISSUER,
      audience: AUDIENCE,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenConfigError);
    expect((error as Error).message).toMatch(/at least 32 bytes/);
    expect((error as Error).message).not.toContain(shortSecret);
    const token = await signAccessToken({ userId: USER, secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
    await expect(verifyAccessToken(token, { ...verifyOptions, secret: shortSecret })).rejects.toThrow(
      AccessTokenConfigError,
    );
    await expect(
      verifyAccessToken(token, { ...verifyOptions, secret: undefined as unknown as string }),
    ).rejects.toThrow(AccessTokenConfigError);
    // Exactly 32 bytes is enough.
    await expect(
      signAccessToken({ userId: USER, secret: "y".repeat(32), issuer: ISSUER, audience: AUDIENCE }),
    ).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("rejects invalid ttlSeconds when signing", async () => {
    const base = { userId: USER, secret: SECRET, issuer: ISSUER, audience: AUDIENCE };
    for (const ttlSeconds of [0, -1, 1.5, 86_401, Number.NaN]) {
      await expect(signAccessToken({ ...base, ttlSeconds })).rejects.toThrow(RangeError);
    }
  });
});
