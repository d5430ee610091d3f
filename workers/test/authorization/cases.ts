import { env } from "cloudflare:test";
import type {
  AdminUser,
  Agent,
  Conversation,
  Credential,
  MessageList,
  TeamMember,
} from "@switchboard/protocol";
import { expect } from "vitest";
import {
  type Account,
  addToTeam,
  asAdmin,
  type Fixture,
  freshEmail,
  newAgent,
  newApiKey,
  newConversation,
  newCredential,
  newMcpServer,
  PASSWORD,
  registerAccount,
  session,
  signIn,
} from "./fixture.ts";
import { must, type Sent, send } from "./http.ts";
import { isPerson, type PrincipalName } from "./principals.ts";

/** One matrix cell's request, built fresh for it. */
export interface Prepared {
  /** Values for the `{param}`s of the row's path. */
  params?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs after the request, whatever it answered: bookkeeping and cleanup. */
  after?: (res: Sent) => Promise<void>;
  /** Runs when the request was refused: proves the refusal changed nothing. */
  unchanged?: () => Promise<void>;
}

type Build = (fx: Fixture, who: PrincipalName) => Promise<Prepared> | Prepared;

const nothing: Build = () => ({});

/** The person whose rights a principal uses (A for A's keys); undefined for the anonymous caller. */
function personOf(fx: Fixture, who: PrincipalName): Account | undefined {
  if (who === "anonymous") return undefined;
  return isPerson(who) ? fx.people[who] : fx.people.admin;
}

const probeName = () => `probe-${crypto.randomUUID()}`;

// --- Read-backs as admin A, to prove a refused request left things as they were ---

async function agentOf(fx: Fixture, id: string): Promise<Agent> {
  return must<Agent>(200, { path: `/agents/${id}`, credential: asAdmin(fx) });
}

async function expectNoAgentNamed(fx: Fixture, name: string): Promise<void> {
  const { agents } = await must<{ agents: Agent[] }>(200, { path: "/agents", credential: asAdmin(fx) });
  expect(agents.map((a) => a.name)).not.toContain(name);
}

async function teamMembers(fx: Fixture): Promise<TeamMember[]> {
  const { members } = await must<{ members: TeamMember[] }>(200, {
    path: `/teams/${fx.team.id}/members`,
    credential: asAdmin(fx),
  });
  return members;
}

async function isDisabled(fx: Fixture, userId: string): Promise<boolean | undefined> {
  const { users } = await must<{ users: AdminUser[] }>(200, {
    path: "/admin/users",
    credential: asAdmin(fx),
  });
  return users.find((u) => u.id === userId)?.disabled;
}

async function removeFromTeam(fx: Fixture, account: Account): Promise<void> {
  const res = await send({
    method: "DELETE",
    path: `/teams/${fx.team.id}/members/${account.id}`,
    credential: asAdmin(fx),
  });
  if (res.status !== 204 && res.status !== 404) throw new Error(`setup: removing a member: ${res.text}`);
}

/**
 * An account every one of whose organizations A administers: it makes A an admin of its own organization,
 * then A adds it to T. Only such an account may be disabled account-wide; anyone else is removed from A's
 * organizations instead (see routes/admin.ts).
 */
async function accountOwnedByAdmin(fx: Fixture): Promise<Account> {
  const account = await registerAccount("owned");
  const own = await must<{ id: string }>(201, {
    method: "POST",
    path: "/teams",
    credential: session(account),
    body: { name: "Own" },
  });
  await must(201, {
    method: "POST",
    path: `/teams/${own.id}/members`,
    credential: session(account),
    body: { email: fx.people.admin.email, role: "admin" },
  });
  await addToTeam(fx, account, "member");
  return account;
}

async function setDisabled(fx: Fixture, account: Account, disabled: boolean): Promise<void> {
  await must(204, {
    method: "POST",
    path: `/admin/users/${account.id}/${disabled ? "disable" : "enable"}`,
    credential: asAdmin(fx),
  });
}

// --- Builders shared by a route's team and personal rows ---

const readAgent =
  (target: "teamAgentId" | "personalAgentId"): Build =>
  (fx) => ({ params: { id: fx[target] } });

const readConversation =
  (target: "teamConversationId" | "personalConversationId", headers?: Record<string, string>): Build =>
  (fx) => ({ params: { id: fx[target] }, ...(headers ? { headers } : {}) });

const createAgent =
  (kind: "team" | "personal"): Build =>
  (fx) => {
    const name = probeName();
    return {
      body: {
        name,
        model: { provider: "demo", name: "demo" },
        ...(kind === "team" ? { teamId: fx.team.id } : {}),
      },
      unchanged: () => expectNoAgentNamed(fx, name),
    };
  };

const patchAgent =
  (kind: "team" | "personal"): Build =>
  async (fx) => {
    const id = await newAgent(fx, kind);
    const before = await agentOf(fx, id);
    return {
      params: { id },
      body: { name: "renamed by the matrix" },
      unchanged: async () => expect((await agentOf(fx, id)).name).toBe(before.name),
    };
  };

const deleteAgent =
  (kind: "team" | "personal"): Build =>
  async (fx) => {
    const id = await newAgent(fx, kind);
    return { params: { id }, unchanged: async () => void (await agentOf(fx, id)) };
  };

const readServer =
  (target: "teamServerId" | "personalServerId"): Build =>
  (fx) => ({ params: { id: fx[target] } });

async function serverNames(fx: Fixture): Promise<string[]> {
  const { servers } = await must<{ servers: { name: string; id: string }[] }>(200, {
    path: "/mcp/servers",
    credential: asAdmin(fx),
  });
  return servers.map((server) => server.name);
}

const createServer =
  (kind: "team" | "personal"): Build =>
  (fx) => {
    const name = probeName();
    return {
      body: { name, catalogId: "web", ...(kind === "team" ? { teamId: fx.team.id } : {}) },
      unchanged: async () => expect(await serverNames(fx)).not.toContain(name),
    };
  };

const deleteServer =
  (kind: "team" | "personal"): Build =>
  async (fx) => {
    const name = probeName();
    const id = await newMcpServer(fx, kind, name);
    return { params: { id }, unchanged: async () => expect(await serverNames(fx)).toContain(name) };
  };

/** A's server behind the OAuth test server (test/support/oauth-mcp-server.ts), one per kind and fixture. */
const oauthServers = new WeakMap<Fixture, Partial<Record<"team" | "personal", string>>>();

const startOAuth =
  (kind: "team" | "personal"): Build =>
  async (fx) => {
    const known = oauthServers.get(fx) ?? {};
    let id = known[kind];
    if (!id) {
      ({ id } = await must<{ id: string }>(201, {
        method: "POST",
        path: "/mcp/servers",
        credential: asAdmin(fx),
        body: {
          name: `${kind} OAuth server`,
          url: env.OAUTH_MCP_URL,
          transport: "streamable-http",
          ...(kind === "team" ? { teamId: fx.team.id } : {}),
        },
      }));
      fx.privateIds.add(id);
      oauthServers.set(fx, { ...known, [kind]: id });
    }
    return { params: { id } };
  };

const startConversation =
  (target: "teamAgentId" | "personalAgentId"): Build =>
  (fx) => {
    const title = probeName();
    return {
      body: { agentId: fx[target], title },
      unchanged: async () => {
        const { conversations } = await must<{ conversations: Conversation[] }>(200, {
          path: "/conversations",
          credential: asAdmin(fx),
        });
        expect(conversations.map((c) => c.title)).not.toContain(title);
      },
    };
  };

const sendMessage =
  (kind: "team" | "personal"): Build =>
  async (fx) => {
    const id = await newConversation(fx, kind === "team" ? fx.teamAgentId : fx.personalAgentId);
    return {
      params: { id },
      body: { content: "Hello from the authorization matrix" },
      // Stop the reply at once: runs count against A's concurrent-run limit.
      after: async (res) => {
        if (res.status === 202)
          await must(202, { method: "POST", path: `/conversations/${id}/cancel`, credential: asAdmin(fx) });
      },
      unchanged: async () => {
        const list = await must<MessageList>(200, {
          path: `/conversations/${id}/messages`,
          credential: asAdmin(fx),
        });
        expect(list.messages).toEqual([]);
      },
    };
  };

const cancelRun =
  (kind: "team" | "personal"): Build =>
  async (fx) => ({
    params: { id: await newConversation(fx, kind === "team" ? fx.teamAgentId : fx.personalAgentId) },
  });

const WEBSOCKET = { Upgrade: "websocket", "Sec-WebSocket-Protocol": "switchboard.v1" };
const EVENT_STREAM = { Accept: "text/event-stream" };

const createApiKey =
  (scopes: string[]): Build =>
  () => ({ body: { name: probeName(), scopes } });

/** A refresh token of a session of `account`, made for this case alone. */
async function freshRefreshToken(account: Account): Promise<string> {
  return (await signIn(account)).refreshToken;
}

/**
 * How to build each row's request. Keys are the matrix rows' keys; the completeness test checks that both
 * sides list the same rows.
 */
export const CASES: Record<string, Build> = {
  "POST /auth/register": () => ({ body: { email: freshEmail("matrix"), password: PASSWORD, name: "New" } }),
  "POST /auth/login": (fx) => ({
    body: { email: fx.targets.signIn.email, password: fx.targets.signIn.password },
  }),
  "POST /auth/refresh": (fx) => {
    // Each case spends the account's current refresh token and keeps the one it gets back, so every case
    // starts from a live token without paying for a sign-in (scrypt) of its own.
    const account = fx.targets.refresh;
    return {
      body: { refreshToken: account.refreshToken },
      after: async (res) => {
        const next = (res.json as { refreshToken?: string } | undefined)?.refreshToken;
        if (res.status === 200 && next) account.refreshToken = next;
        else await signIn(account);
      },
    };
  },
  "POST /auth/logout": async (fx) => ({ body: { refreshToken: await freshRefreshToken(fx.targets.logout) } }),
  "POST /auth/change-password": (fx, who) => {
    // Keys and the anonymous caller send A's password: a valid body, so only who they are decides.
    const account = personOf(fx, who) ?? fx.people.admin;
    const newPassword = `${PASSWORD} ${crypto.randomUUID().slice(0, 8)}`;
    return {
      body: { currentPassword: account.password, newPassword },
      // The change ended every session of the account: sign in again with the new password.
      after: async (res) => {
        if (res.status !== 204) return;
        account.password = newPassword;
        await signIn(account);
      },
    };
  },
  "GET /me": nothing,
  "GET /models": nothing,

  "POST /credentials": () => ({
    body: { name: probeName(), provider: "anthropic", secret: { apiKey: "sk-ant-test" } },
  }),
  "GET /credentials": nothing,
  "DELETE /credentials/{id}": async (fx) => {
    const id = await newCredential(fx);
    return {
      params: { id },
      unchanged: async () => {
        const { credentials } = await must<{ credentials: Credential[] }>(200, {
          path: "/credentials",
          credential: asAdmin(fx),
        });
        expect(credentials.map((c) => c.id)).toContain(id);
      },
    };
  },

  "POST /agents": createAgent("team"),
  "POST /agents (personal)": createAgent("personal"),
  "GET /agents": nothing,
  "GET /agents/{id}": readAgent("teamAgentId"),
  "GET /agents/{id} (personal)": readAgent("personalAgentId"),
  "PATCH /agents/{id}": patchAgent("team"),
  "PATCH /agents/{id} (personal)": patchAgent("personal"),
  "DELETE /agents/{id}": deleteAgent("team"),
  "DELETE /agents/{id} (personal)": deleteAgent("personal"),

  "GET /mcp/catalog": nothing,
  "POST /mcp/servers": createServer("team"),
  "POST /mcp/servers (personal)": createServer("personal"),
  "GET /mcp/servers": nothing,
  "GET /mcp/servers/{id}": readServer("teamServerId"),
  "GET /mcp/servers/{id} (personal)": readServer("personalServerId"),
  "GET /mcp/servers/{id}/tools": readServer("teamServerId"),
  "GET /mcp/servers/{id}/tools (personal)": readServer("personalServerId"),
  "DELETE /mcp/servers/{id}": deleteServer("team"),
  "DELETE /mcp/servers/{id} (personal)": deleteServer("personal"),
  "POST /mcp/servers/{id}/oauth/start": startOAuth("team"),
  "POST /mcp/servers/{id}/oauth/start (personal)": startOAuth("personal"),
  // Public: whoever arrives is sent back to the dashboard. Without a state (matrix requests carry no query)
  // that is `?oauth=failed&reason=invalid_request`; the flow itself is tested in test/mcp/oauth.test.ts.
  "GET /mcp/oauth/callback": nothing,
  "GET /conversations/{id}/tool-calls": readConversation("teamConversationId"),
  "GET /conversations/{id}/tool-calls (personal)": readConversation("personalConversationId"),

  "POST /conversations": startConversation("teamAgentId"),
  "POST /conversations (personal)": startConversation("personalAgentId"),
  "GET /conversations": nothing,
  "GET /conversations/{id}": readConversation("teamConversationId"),
  "GET /conversations/{id} (personal)": readConversation("personalConversationId"),
  "GET /conversations/{id}/messages": readConversation("teamConversationId"),
  "GET /conversations/{id}/messages (personal)": readConversation("personalConversationId"),
  "POST /conversations/{id}/messages": sendMessage("team"),
  "POST /conversations/{id}/messages (personal)": sendMessage("personal"),
  "POST /conversations/{id}/cancel": cancelRun("team"),
  "POST /conversations/{id}/cancel (personal)": cancelRun("personal"),
  "GET /conversations/{id}/stream": readConversation("teamConversationId", WEBSOCKET),
  "GET /conversations/{id}/stream (personal)": readConversation("personalConversationId", WEBSOCKET),
  "GET /conversations/{id}/events": readConversation("teamConversationId", EVENT_STREAM),
  "GET /conversations/{id}/events (personal)": readConversation("personalConversationId", EVENT_STREAM),

  "POST /teams": () => ({ body: { name: probeName() } }),
  "GET /teams": nothing,
  "GET /teams/{id}/members": (fx) => ({ params: { id: fx.team.id } }),
  "POST /teams/{id}/members": async (fx) => {
    const target = fx.targets.teamMember;
    await removeFromTeam(fx, target);
    return {
      params: { id: fx.team.id },
      body: { email: target.email, role: "member" },
      unchanged: async () => expect((await teamMembers(fx)).map((m) => m.userId)).not.toContain(target.id),
    };
  },
  "PATCH /teams/{id}/members/{userId}": async (fx) => {
    const target = fx.targets.teamMember;
    await addToTeam(fx, target, "viewer");
    return {
      params: { id: fx.team.id, userId: target.id },
      body: { role: "member" },
      unchanged: async () =>
        expect((await teamMembers(fx)).find((m) => m.userId === target.id)?.role).toBe("viewer"),
    };
  },
  "DELETE /teams/{id}/members/{userId}": async (fx) => {
    const target = fx.targets.teamMember;
    await addToTeam(fx, target, "member");
    return {
      params: { id: fx.team.id, userId: target.id },
      unchanged: async () => expect((await teamMembers(fx)).map((m) => m.userId)).toContain(target.id),
    };
  },

  "POST /api-keys": createApiKey(["read"]),
  "POST /api-keys (manage scope)": createApiKey(["manage"]),
  "GET /api-keys": nothing,
  "DELETE /api-keys/{id}": async (fx) => {
    const key = await newApiKey(fx, ["read"]);
    return {
      params: { id: key.id },
      unchanged: async () => void (await must(200, { path: "/me", credential: { apiKey: key.key } })),
    };
  },

  "GET /admin/users": nothing,
  "POST /admin/users/{id}/disable": async (fx) => {
    // A fresh account wholly administered by A (see accountOwnedByAdmin), so a disable is account-wide.
    const target = await accountOwnedByAdmin(fx);
    return {
      params: { id: target.id },
      unchanged: async () => expect(await isDisabled(fx, target.id)).toBe(false),
    };
  },
  "POST /admin/users/{id}/enable": async (fx) => {
    const target = await accountOwnedByAdmin(fx);
    await setDisabled(fx, target, true);
    return {
      params: { id: target.id },
      unchanged: async () => expect(await isDisabled(fx, target.id)).toBe(true),
    };
  },

  // Last in the table, so the log already holds every case's entries: none of A's may reach anyone else.
  "GET /audit": nothing,
  "GET /audit/export": nothing,
};

/** The row's path with its `{param}`s filled in; a missing value is a broken case, not a finding. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`case for ${path} gives no value for {${name}}`);
    return value;
  });
}
