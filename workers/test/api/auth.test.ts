import type { AuthResult, ErrorBody, User } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";

describe("auth", () => {
  it("registers, signs in and returns the user", async () => {
    const email = `Alice-${crypto.randomUUID().slice(0, 6)}@Example.com`;
    const reg = await api<AuthResult>("/auth/register", {
      method: "POST",
      body: { email, password: "a long passphrase", name: "Alice" },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user.email).toBe(email.toLowerCase());
    expect(reg.body.accessToken.split(".")).toHaveLength(3);

    const login = await api<AuthResult>("/auth/login", {
      method: "POST",
      body: { email, password: "a long passphrase" },
    });
    expect(login.status).toBe(200);
    const me = await api<User>("/me", { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(reg.body.user);
  });

  it("does not reveal whether an email exists", async () => {
    const { user } = await registerUser();
    const wrongPassword = await api<ErrorBody>("/auth/login", {
      method: "POST",
      body: { email: user.email, password: "not the password" },
    });
    const unknownEmail = await api<ErrorBody>("/auth/login", {
      method: "POST",
      body: { email: `nobody-${user.id}@example.com`, password: "not the password" },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);

    const again = await api<ErrorBody>("/auth/register", {
      method: "POST",
      body: { email: user.email, password: "another passphrase", name: "X" },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).not.toContain(user.email);
  });

  it("rotates refresh tokens and revokes the family when an old one is reused", async () => {
    const first = await registerUser();
    const second = await api<AuthResult>("/auth/refresh", {
      method: "POST",
      body: { refreshToken: first.refreshToken },
    });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);

    const reuse = await api<ErrorBody>("/auth/refresh", {
      method: "POST",
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse.status).toBe(401);
    // The reuse revoked the whole family, including the token issued by the legitimate rotation.
    const afterReuse = await api("/auth/refresh", {
      method: "POST",
      body: { refreshToken: second.body.refreshToken },
    });
    expect(afterReuse.status).toBe(401);
  });

  it("refuses missing, malformed and forged tokens", async () => {
    expect((await api("/me")).status).toBe(401);
    expect((await api("/me", { token: "not-a-jwt" })).status).toBe(401);
    const { accessToken } = await registerUser();
    const [h, p] = accessToken.split(".");
    const forged = `${h}.${p}.${"A".repeat(43)}`;
    const res = await api<ErrorBody>("/me", { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });
});

describe("bad input", () => {
  it("answers invalid JSON with 400 invalid_json", async () => {
    const res = await api<ErrorBody>("/auth/register", { method: "POST", rawBody: "{not json" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_json");
  });

  it("answers wrong types with 422 and the field", async () => {
    const res = await api<ErrorBody>("/auth/register", {
      method: "POST",
      body: { email: 5, password: "x", name: "" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toMatch(/email/);
  });

  it("refuses a short password", async () => {
    const res = await api<ErrorBody>("/auth/register", {
      method: "POST",
      body: { email: "short@example.com", password: "1234567", name: "S" },
    });
    expect(res.status).toBe(422);
  });

  it("answers oversized bodies with 413", async () => {
    const res = await api<ErrorBody>("/auth/register", {
      method: "POST",
      body: { email: "big@example.com", password: "x".repeat(600 * 1024), name: "Big" },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("answers unknown endpoints with a JSON 404", async () => {
    const res = await api<ErrorBody>("/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});
