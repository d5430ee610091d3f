import { beforeAll, describe, expect, it } from "vitest";
import { type Account, PASSWORD, registerAccount, session } from "../authorization/fixture.ts";
import { must, send } from "../authorization/http.ts";

/**
 * PostgreSQL cannot store NUL in text (22021) nor NUL or an unpaired surrogate in jsonb (22P05, 22P02).
 * Input with them is refused at the API edge (422, see protocol/src/text.ts); model output with them is
 * repaired before it is stored. Neither may answer 5xx or wedge the conversation for later messages.
 */
const NUL = "a\u0000b";
const LONE_SURROGATE = "x\uD800y";

interface World {
  user: Account;
  agentId: string;
}

type Case = [label: string, method: string, path: (w: World) => string, body: (w: World) => unknown];

const demo = { provider: "demo", name: "demo" };

const CASES: Case[] = [
  [
    "POST /auth/register name",
    "POST",
    () => "/auth/register",
    () => ({ email: freshEmail(), password: PASSWORD, name: NUL }),
  ],
  [
    "POST /credentials name",
    "POST",
    () => "/credentials",
    () => ({ name: NUL, provider: "openai", secret: { apiKey: "k" } }),
  ],
  ["POST /agents name", "POST", () => "/agents", () => ({ name: NUL, model: demo })],
  [
    "POST /agents instructions",
    "POST",
    () => "/agents",
    () => ({ name: "n", instructions: NUL, model: demo }),
  ],
  [
    "POST /agents model.name",
    "POST",
    () => "/agents",
    () => ({ name: "n", model: { provider: "demo", name: NUL } }),
  ],
  ["PATCH /agents/{id} name", "PATCH", (w) => `/agents/${w.agentId}`, () => ({ name: NUL })],
  ["POST /conversations title", "POST", () => "/conversations", (w) => ({ agentId: w.agentId, title: NUL })],
  ["POST /teams name", "POST", () => "/teams", () => ({ name: NUL })],
  ["POST /api-keys name", "POST", () => "/api-keys", () => ({ name: NUL, scopes: ["read"] })],
];

function freshEmail(): string {
  return `nul-${crypto.randomUUID()}@example.com`;
}

describe("NUL and unpaired surrogates in text never cause a 5xx", () => {
  let world: World;
  beforeAll(async () => {
    const user = await registerAccount("text-encoding");
    const agent = await must<{ id: string }>(201, {
      method: "POST",
      path: "/agents",
      credential: session(user),
      body: { name: "Bot", model: demo },
    });
    world = { user, agentId: agent.id };
  });

  for (const [label, method, path, body] of CASES) {
    it(`${label} with NUL`, async () => {
      const res = await send({
        method,
        path: path(world),
        body: body(world),
        credential: session(world.user),
      });
      expect(res.status, res.text).toBeLessThan(500);
    });
  }

  for (const [name, content] of [
    ["NUL", NUL],
    ["an unpaired surrogate", LONE_SURROGATE],
  ]) {
    it(`a message with ${name} neither fails nor wedges its conversation`, async () => {
      const { id } = await must<{ id: string }>(201, {
        method: "POST",
        path: "/conversations",
        credential: session(world.user),
        body: { agentId: world.agentId },
      });
      const path = `/conversations/${id}/messages`;
      const poisoned = await send({
        method: "POST",
        path,
        body: { content },
        credential: session(world.user),
      });
      expect(poisoned.status, poisoned.text).toBeLessThan(500);
      if (poisoned.status === 202) {
        await must(202, {
          method: "POST",
          path: `/conversations/${id}/cancel`,
          credential: session(world.user),
        });
      }
      const next = await send({
        method: "POST",
        path,
        body: { content: "Hello" },
        credential: session(world.user),
      });
      expect([202, 409], next.text).toContain(next.status);
    });
  }
});
