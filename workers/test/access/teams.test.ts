import type {
  Agent,
  ApiKey,
  Conversation,
  CreatedApiKey,
  ErrorBody,
  Team,
  TeamMember,
} from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";

async function teamWith(roles: Record<string, "admin" | "team_lead" | "member" | "viewer">) {
  const owner = await registerUser("Owner");
  const team = await api<Team>("/teams", {
    method: "POST",
    token: owner.accessToken,
    body: { name: "Research" },
  });
  expect(team.status).toBe(201);
  const people: Record<string, Awaited<ReturnType<typeof registerUser>>> = {};
  for (const [name, role] of Object.entries(roles)) {
    people[name] = await registerUser(name);
    const added = await api<TeamMember>(`/teams/${team.body.id}/members`, {
      method: "POST",
      token: owner.accessToken,
      body: { email: people[name].user.email, role },
    });
    expect(added.status).toBe(201);
    expect(added.body.role).toBe(role);
  }
  return { owner, team: team.body, people };
}

describe("teams", () => {
  it("registering makes you admin of your own organization, so you can create teams", async () => {
    const { owner, team } = await teamWith({});
    expect(team.role).toBe("admin");
    const list = await api<{ teams: Team[] }>("/teams", { token: owner.accessToken });
    expect(list.body.teams.map((t) => t.id)).toEqual([team.id]);
  });

  it("lists members with their roles, and each member sees the team with their own role", async () => {
    const { owner, team, people } = await teamWith({ Lead: "team_lead", Member: "member", Viewer: "viewer" });
    const members = await api<{ members: TeamMember[] }>(`/teams/${team.id}/members`, {
      token: people.Viewer?.accessToken,
    });
    expect(Object.fromEntries(members.body.members.map((m) => [m.name, m.role]))).toEqual({
      Owner: "admin",
      Lead: "team_lead",
      Member: "member",
      Viewer: "viewer",
    });
    const seenByLead = await api<{ teams: Team[] }>("/teams", { token: people.Lead?.accessToken });
    expect(seenByLead.body.teams).toMatchObject([{ id: team.id, role: "team_lead" }]);
    expect(owner.user.id).toBeDefined();
  });

  it("shares a team agent: members chat with it, viewers only read, outsiders never see it", async () => {
    const { owner, team, people } = await teamWith({ Member: "member", Viewer: "viewer" });
    const outsider = await registerUser("Outsider");
    const agent = await api<Agent>("/agents", {
      method: "POST",
      token: owner.accessToken,
      body: { teamId: team.id, name: "Team bot", model: { provider: "demo", name: "demo" } },
    });
    expect(agent.body.teamId).toBe(team.id);

    const memberConversation = await api<Conversation>("/conversations", {
      method: "POST",
      token: people.Member?.accessToken,
      body: { agentId: agent.body.id },
    });
    expect(memberConversation.status).toBe(201);
    expect(memberConversation.body.teamId).toBe(team.id);

    const viewerList = await api<{ conversations: Conversation[] }>("/conversations", {
      token: people.Viewer?.accessToken,
    });
    expect(viewerList.body.conversations.map((c) => c.id)).toContain(memberConversation.body.id);
    const viewerSend = await api<ErrorBody>(`/conversations/${memberConversation.body.id}/messages`, {
      method: "POST",
      token: people.Viewer?.accessToken,
      body: { content: "hello" },
    });
    expect(viewerSend.status).toBe(403);
    expect(viewerSend.body.error.code).toBe("forbidden");
    const viewerStart = await api("/conversations", {
      method: "POST",
      token: people.Viewer?.accessToken,
      body: { agentId: agent.body.id },
    });
    expect(viewerStart.status).toBe(403);
    const viewerEdit = await api(`/agents/${agent.body.id}`, {
      method: "PATCH",
      token: people.Viewer?.accessToken,
      body: { name: "x" },
    });
    expect(viewerEdit.status).toBe(403);

    for (const path of [`/agents/${agent.body.id}`, `/conversations/${memberConversation.body.id}`]) {
      expect((await api(path, { token: outsider.accessToken })).status).toBe(404);
    }
    const outsiderAgents = await api<{ agents: Agent[] }>("/agents", { token: outsider.accessToken });
    expect(outsiderAgents.body.agents).toEqual([]);
  });

  it("a removed member loses the team's resources on their next request", async () => {
    const { owner, team, people } = await teamWith({ Member: "member" });
    const agent = await api<Agent>("/agents", {
      method: "POST",
      token: owner.accessToken,
      body: { teamId: team.id, name: "Shared", model: { provider: "demo", name: "demo" } },
    });
    expect((await api(`/agents/${agent.body.id}`, { token: people.Member?.accessToken })).status).toBe(200);
    const removed = await api(`/teams/${team.id}/members/${people.Member?.user.id}`, {
      method: "DELETE",
      token: owner.accessToken,
    });
    expect(removed.status).toBe(204);
    expect((await api(`/agents/${agent.body.id}`, { token: people.Member?.accessToken })).status).toBe(404);
  });

  it("only admins hand out the admin role, and an organization keeps at least one admin", async () => {
    const { owner, team, people } = await teamWith({ Lead: "team_lead", Member: "member" });
    const leadPromotes = await api(`/teams/${team.id}/members/${people.Member?.user.id}`, {
      method: "PATCH",
      token: people.Lead?.accessToken,
      body: { role: "admin" },
    });
    expect(leadPromotes.status).toBe(403);
    const leadDemotes = await api<TeamMember>(`/teams/${team.id}/members/${people.Member?.user.id}`, {
      method: "PATCH",
      token: people.Lead?.accessToken,
      body: { role: "viewer" },
    });
    expect(leadDemotes.body.role).toBe("viewer");
    const memberManages = await api(`/teams/${team.id}/members`, {
      method: "POST",
      token: people.Member?.accessToken,
      body: { email: people.Lead?.user.email, role: "viewer" },
    });
    expect(memberManages.status).toBe(403);
    const lastAdmin = await api<ErrorBody>(`/teams/${team.id}/members/${owner.user.id}`, {
      method: "PATCH",
      token: owner.accessToken,
      body: { role: "member" },
    });
    expect(lastAdmin.status).toBe(409);
  });

  it("inviting an email without an account says so", async () => {
    const { owner, team } = await teamWith({});
    const res = await api<ErrorBody>(`/teams/${team.id}/members`, {
      method: "POST",
      token: owner.accessToken,
      body: { email: "nobody-here@example.com", role: "member" },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/register/);
  });
});

describe("API keys", () => {
  it("shows the key once, lists only its prefix, works as a bearer or X-API-Key, and revokes at once", async () => {
    const { accessToken } = await registerUser();
    const created = await api<CreatedApiKey>("/api-keys", {
      method: "POST",
      token: accessToken,
      body: { name: "CI", scopes: ["read"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    const list = await api<{ apiKeys: ApiKey[] }>("/api-keys", { token: accessToken });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.apiKeys[0]?.prefix).toBe(created.body.prefix);

    expect((await api("/agents", { token: created.body.key })).status).toBe(200);
    expect((await api("/agents", { headers: { "X-API-Key": created.body.key } })).status).toBe(200);
    const write = await api<ErrorBody>("/agents", {
      method: "POST",
      token: created.body.key,
      body: { name: "x", model: { provider: "demo", name: "demo" } },
    });
    expect(write.status).toBe(403);
    const escalate = await api("/api-keys", {
      method: "POST",
      token: created.body.key,
      body: { name: "more", scopes: ["manage"] },
    });
    expect(escalate.status).toBe(403);

    expect((await api(`/api-keys/${created.body.id}`, { method: "DELETE", token: accessToken })).status).toBe(
      204,
    );
    expect((await api("/agents", { token: created.body.key })).status).toBe(401);
  });

  it("refuses a key after its expiry and an expiry in the past", async () => {
    const { accessToken } = await registerUser();
    const past = await api<ErrorBody>("/api-keys", {
      method: "POST",
      token: accessToken,
      body: { name: "old", scopes: ["read"], expiresAt: "2020-01-01T00:00:00Z" },
    });
    expect(past.status).toBe(422);
  });
});
