import { exports } from "cloudflare:workers";
import type { Team } from "@switchboard/protocol";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, PASSWORD, registerAccount, session } from "../authorization/fixture.ts";
import { must } from "../authorization/http.ts";
import { BASE } from "../helpers/api.ts";
import { type Payload, payloadsFor } from "./arbitraries.ts";

/** What the endpoints act on: the fuzzer's own team, agent and conversation, and a user to add to the team. */
interface World {
  fuzzer: Account;
  teammate: Account;
  teamId: string;
  agentId: string;
  conversationId: string;
}

interface Endpoint {
  method: "POST" | "PATCH";
  path: (w: World) => string;
  /** A body the endpoint accepts; the payloads are variations on it. */
  valid: (w: World) => Record<string, unknown>;
  /** Whether to send the fuzzer's session (the auth endpoints are called anonymously). */
  signedIn: boolean;
  /**
   * Endpoints whose near-valid bodies reach scrypt (~0.5 s each) get fewer runs, so the suite stays
   * under a minute.
   */
  runs: number;
}

const RUNS = 100;
const SCRYPT_RUNS = 40;
const FUTURE = "2999-01-01T00:00:00Z";

const ENDPOINTS: Record<string, Endpoint> = {
  "POST /auth/register": {
    method: "POST",
    path: () => "/auth/register",
    valid: () => ({ email: `fuzz-${crypto.randomUUID()}@example.com`, password: PASSWORD, name: "Fuzz" }),
    signedIn: false,
    runs: SCRYPT_RUNS,
  },
  "POST /auth/login": {
    method: "POST",
    path: () => "/auth/login",
    valid: (w) => ({ email: w.teammate.email, password: "not the password" }),
    signedIn: false,
    runs: SCRYPT_RUNS,
  },
  "POST /auth/refresh": {
    method: "POST",
    path: () => "/auth/refresh",
    valid: () => ({ refreshToken: "sb_rt_not-a-real-token" }),
    signedIn: false,
    runs: RUNS,
  },
  "POST /auth/logout": {
    method: "POST",
    path: () => "/auth/logout",
    valid: () => ({ refreshToken: "sb_rt_not-a-real-token" }),
    signedIn: false,
    runs: RUNS,
  },
  "POST /credentials": {
    method: "POST",
    path: () => "/credentials",
    valid: () => ({
      name: "Key",
      provider: "openai-compatible",
      secret: { apiKey: "sk-test", baseUrl: "https://llm.example.com/v1" },
    }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /agents": {
    method: "POST",
    path: () => "/agents",
    valid: (w) => ({
      teamId: w.teamId,
      name: "Bot",
      instructions: "Be brief.",
      model: { provider: "demo", name: "demo" },
    }),
    signedIn: true,
    runs: RUNS,
  },
  "PATCH /agents/{id}": {
    method: "PATCH",
    path: (w) => `/agents/${w.agentId}`,
    valid: () => ({ name: "Bot", instructions: "Be brief.", model: { provider: "demo", name: "demo" } }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /conversations": {
    method: "POST",
    path: () => "/conversations",
    valid: (w) => ({ agentId: w.agentId, title: "Chat" }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /conversations/{id}/messages": {
    method: "POST",
    path: (w) => `/conversations/${w.conversationId}/messages`,
    valid: () => ({ content: "Hello" }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /teams": {
    method: "POST",
    path: () => "/teams",
    valid: () => ({ name: "Team" }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /teams/{id}/members": {
    method: "POST",
    path: (w) => `/teams/${w.teamId}/members`,
    valid: (w) => ({ email: w.teammate.email, role: "member" }),
    signedIn: true,
    runs: RUNS,
  },
  "PATCH /teams/{id}/members/{userId}": {
    method: "PATCH",
    path: (w) => `/teams/${w.teamId}/members/${w.teammate.id}`,
    valid: () => ({ role: "viewer" }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /api-keys": {
    method: "POST",
    path: () => "/api-keys",
    valid: () => ({ name: "CI", scopes: ["read", "chat"], expiresAt: FUTURE }),
    signedIn: true,
    runs: RUNS,
  },
  "POST /auth/change-password": {
    method: "POST",
    path: () => "/auth/change-password",
    // A wrong current password: a near-valid body must not actually change it and end the fuzzer's session.
    valid: () => ({ currentPassword: "not the password", newPassword: "a brand new passphrase" }),
    signedIn: true,
    runs: SCRYPT_RUNS,
  },
};

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function call(endpoint: Endpoint, world: World, payload: Payload): Promise<Answer> {
  const headers = new Headers({
    "CF-Connecting-IP": `198.18.${(Math.random() * 256) | 0}.${(Math.random() * 256) | 0}`,
  });
  if (endpoint.signedIn) headers.set("Authorization", `Bearer ${world.fuzzer.accessToken}`);
  let body: string;
  if (payload.kind === "json") {
    body = JSON.stringify(payload.value);
    headers.set("Content-Type", "application/json");
  } else {
    body = payload.text;
    if (payload.contentType) headers.set("Content-Type", payload.contentType);
  }
  const response = await exports.default.fetch(
    new Request(`${BASE}${endpoint.path(world)}`, { method: endpoint.method, headers, body }),
  );
  return {
    status: response.status,
    contentType: response.headers.get("Content-Type") ?? "",
    text: await response.text(),
  };
}

/** The contract every answer keeps, whatever was sent: no 5xx, and errors as `{error:{code,message}}`. */
function expectWellFormed(answer: Answer, label: string): void {
  const context = `${label} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status < 400) return;
  expect(answer.contentType, context).toMatch(/^application\/json/);
  expect(JSON.parse(answer.text), context).toMatchObject({
    error: { code: expect.any(String), message: expect.any(String) },
  });
}

describe("random bodies never produce a 5xx, and every error is JSON {error:{code,message}}", () => {
  let world: World;
  beforeAll(async () => {
    const [fuzzer, teammate] = await Promise.all([
      registerAccount("fuzzer"),
      registerAccount("fuzz-teammate"),
    ]);
    if (!fuzzer || !teammate) throw new Error("registration failed");
    const team = await must<Team>(201, {
      method: "POST",
      path: "/teams",
      credential: session(fuzzer),
      body: { name: "Fuzz" },
    });
    const agent = await must<{ id: string }>(201, {
      method: "POST",
      path: "/agents",
      credential: session(fuzzer),
      body: { teamId: team.id, name: "Fuzz bot", model: { provider: "demo", name: "demo" } },
    });
    const conversation = await must<{ id: string }>(201, {
      method: "POST",
      path: "/conversations",
      credential: session(fuzzer),
      body: { agentId: agent.id },
    });
    await must(201, {
      method: "POST",
      path: `/teams/${team.id}/members`,
      credential: session(fuzzer),
      body: { email: teammate.email, role: "member" },
    });
    world = { fuzzer, teammate, teamId: team.id, agentId: agent.id, conversationId: conversation.id };
  });

  for (const [label, endpoint] of Object.entries(ENDPOINTS)) {
    it(label, async () => {
      // The valid body is made once per property, so "valid" ids refer to this world.
      await fc.assert(
        fc.asyncProperty(
          fc.constant(null).chain(() => payloadsFor(endpoint.valid(world))),
          async (payload) => expectWellFormed(await call(endpoint, world, payload), label),
        ),
        { numRuns: endpoint.runs },
      );
      // The fuzzer's session survived: no payload signed it out or changed its password.
      await must(200, { path: "/me", credential: session(world.fuzzer) });
    });
  }

  it("answers a body just over the limit with 413 JSON", async () => {
    const endpoint = ENDPOINTS["POST /teams"];
    if (!endpoint) throw new Error("no POST /teams");
    const answer = await call(endpoint, world, { kind: "json", value: { name: "x".repeat(513 * 1024) } });
    expect(answer.status).toBe(413);
    expectWellFormed(answer, "oversized POST /teams");
  });

  it("never answers 5xx to random path ids", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 80 }), async (id) => {
        const segment = encodeURIComponent(id);
        const answer = await call(
          { method: "PATCH", path: () => `/agents/${segment}`, valid: () => ({}), signedIn: true, runs: 0 },
          world,
          { kind: "json", value: { name: "x" } },
        );
        expectWellFormed(answer, `PATCH /agents/${segment}`);
      }),
      { numRuns: RUNS },
    );
  });

  it("never answers 5xx to random credentials", async () => {
    const header = fc.oneof(
      fc
        .string({ unit: "binary-ascii" })
        .map((s) => ({ Authorization: `Bearer ${s.replace(/[^\x21-\x7e]/g, "")}` })),
      fc
        .string({ unit: "grapheme-ascii" })
        .map((s) => ({ Authorization: `Bearer sb_key_${s.replace(/\s/g, "")}` })),
      fc.string({ unit: "grapheme-ascii" }).map((s) => ({ "X-API-Key": s })),
      fc.string({ unit: "grapheme-ascii" }).map((s) => ({ Authorization: s })),
    );
    await fc.assert(
      fc.asyncProperty(header, async (headers) => {
        const response = await exports.default.fetch(new Request(`${BASE}/me`, { headers }));
        const answer = {
          status: response.status,
          contentType: response.headers.get("Content-Type") ?? "",
          text: await response.text(),
        };
        expectWellFormed(answer, `GET /me with ${JSON.stringify(headers)}`);
      }),
      { numRuns: RUNS },
    );
  });
});
