import { env } from "cloudflare:test";
import { createDatabase } from "@switchboard/db/client";
import type { Agent, Conversation, Credential, ErrorBody } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";

describe("credentials", () => {
  it("stores the secret as a Fernet token and never returns it", async () => {
    const { accessToken } = await registerUser();
    const res = await api<Credential>("/credentials", {
      method: "POST",
      token: accessToken,
      body: { name: "My OpenAI", provider: "openai", secret: { apiKey: "sk-test-SECRET-123" } },
    });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain("SECRET");
    const list = await api<{ credentials: Credential[] }>("/credentials", { token: accessToken });
    expect(JSON.stringify(list.body)).not.toContain("SECRET");

    const db = createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT });
    const rows = (await db.sql.query("SELECT secret_ciphertext FROM credentials WHERE id = $1", [
      res.body.id,
    ])) as { secret_ciphertext: string }[];
    const token = rows[0]?.secret_ciphertext ?? "";
    expect(token).not.toContain("SECRET");
    expect(token.startsWith("gAAAAA")).toBe(true); // Fernet version byte 0x80
  });
});

describe("agents and conversations", () => {
  it("creates, lists, updates and deletes an agent", async () => {
    const { accessToken: token } = await registerUser();
    const created = await api<Agent>("/agents", {
      method: "POST",
      token,
      body: { name: "Helper", instructions: "Be brief.", model: { provider: "demo", name: "demo" } },
    });
    expect(created.status).toBe(201);
    const patched = await api<Agent>(`/agents/${created.body.id}`, {
      method: "PATCH",
      token,
      body: { name: "Renamed" },
    });
    expect(patched.body.name).toBe("Renamed");
    const list = await api<{ agents: Agent[] }>("/agents", { token });
    expect(list.body.agents.map((a) => a.id)).toEqual([created.body.id]);
    expect((await api(`/agents/${created.body.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api(`/agents/${created.body.id}`, { token })).status).toBe(404);
  });

  it("refuses a real provider without a credential of that provider", async () => {
    const { accessToken: token } = await registerUser();
    const res = await api<ErrorBody>("/agents", {
      method: "POST",
      token,
      body: { name: "A", model: { provider: "openai", name: "gpt-4o-mini" } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/credential/);
  });

  it("never shows or touches another user's resources", async () => {
    const alice = await registerUser("Alice");
    const bob = await registerUser("Bob");
    const agent = await api<Agent>("/agents", {
      method: "POST",
      token: alice.accessToken,
      body: { name: "Private", model: { provider: "demo", name: "demo" } },
    });
    const conversation = await api<Conversation>("/conversations", {
      method: "POST",
      token: alice.accessToken,
      body: { agentId: agent.body.id },
    });
    const credential = await api<Credential>("/credentials", {
      method: "POST",
      token: alice.accessToken,
      body: { name: "k", provider: "anthropic", secret: { apiKey: "sk-ant" } },
    });

    for (const path of [
      `/agents/${agent.body.id}`,
      `/conversations/${conversation.body.id}`,
      `/conversations/${conversation.body.id}/messages`,
    ]) {
      expect((await api(path, { token: bob.accessToken })).status).toBe(404);
    }
    expect(
      (
        await api(`/agents/${agent.body.id}`, {
          method: "PATCH",
          token: bob.accessToken,
          body: { name: "pwned" },
        })
      ).status,
    ).toBe(404);
    expect((await api(`/agents/${agent.body.id}`, { method: "DELETE", token: bob.accessToken })).status).toBe(
      404,
    );
    expect(
      (await api(`/credentials/${credential.body.id}`, { method: "DELETE", token: bob.accessToken })).status,
    ).toBe(404);
    expect(
      (
        await api("/conversations", {
          method: "POST",
          token: bob.accessToken,
          body: { agentId: agent.body.id },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(`/conversations/${conversation.body.id}/messages`, {
          method: "POST",
          token: bob.accessToken,
          body: { content: "hi" },
        })
      ).status,
    ).toBe(404);
    const bobsAgents = await api<{ agents: Agent[] }>("/agents", { token: bob.accessToken });
    expect(bobsAgents.body.agents).toEqual([]);
    // Bob cannot attach Alice's credential to his own agent either.
    const attach = await api("/agents", {
      method: "POST",
      token: bob.accessToken,
      body: { name: "B", model: { provider: "anthropic", name: "claude", credentialId: credential.body.id } },
    });
    expect(attach.status).toBe(422);
  });

  it("answers malformed ids with a clear error, not a 500", async () => {
    const { accessToken: token } = await registerUser();
    const res = await api<ErrorBody>("/agents/not-a-uuid", { token });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
  });

  it("serves the OpenAPI document with the public contract", async () => {
    const res = await api<{ openapi: string; paths: Record<string, unknown> }>("/openapi.json");
    expect(res.status).toBe(200);
    for (const path of [
      "/auth/register",
      "/auth/login",
      "/me",
      "/credentials",
      "/agents",
      "/agents/{id}",
      "/conversations",
      "/conversations/{id}/messages",
      "/conversations/{id}/stream",
      "/conversations/{id}/events",
    ]) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
  });
});
