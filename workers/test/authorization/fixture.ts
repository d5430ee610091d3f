import type {
  Agent,
  AuthResult,
  Conversation,
  CreatedApiKey,
  Credential as StoredCredential,
  Team,
} from "@switchboard/protocol";
import { type Credential, must } from "./http.ts";
import { KEY_SCOPE, KEY_TRANSPORT, type Person, type PrincipalName } from "./principals.ts";

/** A person with a session. `accessToken` changes when a case changes their password. */
export interface Account {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface ApiKeyHandle {
  id: string;
  key: string;
}

/**
 * The world every matrix case runs in, built once through the public API. Cases that change something
 * build their own fresh target with the helpers below, so no case depends on another.
 */
export interface Fixture {
  people: Record<Person, Account>;
  /** Users that team-member and admin cases act on (never a principal, so principals stay intact). */
  targets: Record<"teamMember" | "account" | "signIn" | "refresh" | "logout", Account>;
  team: { id: string; orgId: string };
  teamAgentId: string;
  teamConversationId: string;
  personalAgentId: string;
  personalConversationId: string;
  credentialId: string;
  teamServerId: string;
  personalServerId: string;
  keys: Record<"read" | "chat" | "manage", ApiKeyHandle>;
  /** Every id of A's and of T's: none may ever appear in a response to the outsider or the anonymous. */
  privateIds: Set<string>;
}

export const PASSWORD = "correct horse battery staple";

let sequence = 0;
/** An email no one has registered yet. */
export function freshEmail(label: string): string {
  sequence += 1;
  return `${label}-${crypto.randomUUID().slice(0, 8)}-${sequence}@example.com`;
}

export async function registerAccount(label: string): Promise<Account> {
  const email = freshEmail(label);
  const auth = await must<AuthResult>(201, {
    method: "POST",
    path: "/auth/register",
    body: { email, password: PASSWORD, name: label },
  });
  return {
    id: auth.user.id,
    email,
    password: PASSWORD,
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
  };
}

/** A new session for the account: returns its tokens and stores the access token on the account. */
export async function signIn(account: Account): Promise<AuthResult> {
  const auth = await must<AuthResult>(200, {
    method: "POST",
    path: "/auth/login",
    body: { email: account.email, password: account.password },
  });
  account.accessToken = auth.accessToken;
  account.refreshToken = auth.refreshToken;
  return auth;
}

export function session(account: Account): Credential {
  return { bearer: account.accessToken };
}

/** How `who` authenticates in the fixture's world. */
export function credentialOf(fx: Fixture, who: PrincipalName): Credential {
  if (who === "anonymous") return undefined;
  if (who === "key_read" || who === "key_chat" || who === "key_manage") {
    const { key } = fx.keys[KEY_SCOPE[who]];
    return KEY_TRANSPORT[who] === "bearer" ? { bearer: key } : { apiKey: key };
  }
  return session(fx.people[who]);
}

export const asAdmin = (fx: Fixture): Credential => session(fx.people.admin);

export async function addToTeam(fx: Fixture, account: Account, role: string): Promise<void> {
  await must(201, {
    method: "POST",
    path: `/teams/${fx.team.id}/members`,
    credential: asAdmin(fx),
    body: { email: account.email, role },
  });
}

const DEMO_MODEL = { provider: "demo", name: "demo" };

/** A's agent, shared with T (`team`) or A's alone (`personal`). */
export async function newAgent(fx: Fixture, kind: "team" | "personal"): Promise<string> {
  const agent = await must<Agent>(201, {
    method: "POST",
    path: "/agents",
    credential: asAdmin(fx),
    body: {
      name: `${kind} agent`,
      model: DEMO_MODEL,
      ...(kind === "team" ? { teamId: fx.team.id } : {}),
    },
  });
  fx.privateIds.add(agent.id);
  return agent.id;
}

/** A's conversation with the agent (a team agent's conversation belongs to the team). */
export async function newConversation(fx: Fixture, agentId: string): Promise<string> {
  const conversation = await must<Conversation>(201, {
    method: "POST",
    path: "/conversations",
    credential: asAdmin(fx),
    body: { agentId },
  });
  fx.privateIds.add(conversation.id);
  return conversation.id;
}

export async function newCredential(fx: Fixture): Promise<string> {
  const credential = await must<StoredCredential>(201, {
    method: "POST",
    path: "/credentials",
    credential: asAdmin(fx),
    body: { name: "A's OpenAI key", provider: "openai", secret: { apiKey: "sk-test-not-a-real-key" } },
  });
  fx.privateIds.add(credential.id);
  return credential.id;
}

/** A's MCP server (the in-process web server, so listing its tools needs no network), team T's or A's own. */
export async function newMcpServer(
  fx: Fixture,
  kind: "team" | "personal",
  name = `${kind} server`,
): Promise<string> {
  const server = await must<{ id: string }>(201, {
    method: "POST",
    path: "/mcp/servers",
    credential: asAdmin(fx),
    body: { name, catalogId: "web", ...(kind === "team" ? { teamId: fx.team.id } : {}) },
  });
  fx.privateIds.add(server.id);
  return server.id;
}

export async function newApiKey(fx: Fixture, scopes: string[]): Promise<ApiKeyHandle> {
  const created = await must<CreatedApiKey>(201, {
    method: "POST",
    path: "/api-keys",
    credential: asAdmin(fx),
    body: { name: `A's ${scopes.join("+")} key`, scopes },
  });
  fx.privateIds.add(created.id);
  return { id: created.id, key: created.key };
}

/**
 * Admin A with team T; a team lead, a member and a viewer of T who registered on their own (so each also
 * administers an organization of their own, as every registered user does); an outsider; T's agent and
 * conversation; A's personal agent, conversation and credential; and A's three API keys.
 */
export async function buildFixture(): Promise<Fixture> {
  const [admin, teamLead, member, viewer, outsider] = await Promise.all(
    ["admin-a", "lead-l", "member-m", "viewer-v", "outsider-o"].map(registerAccount),
  );
  // Sign-in cases each get their own account: per-account login limits must not couple them.
  const [teamMember, account, signInTarget, refresh, logout] = await Promise.all(
    ["target-member", "target-account", "target-sign-in", "target-refresh", "target-logout"].map(
      registerAccount,
    ),
  );
  if (!admin || !teamLead || !member || !viewer || !outsider) throw new Error("registration failed");
  if (!teamMember || !account || !signInTarget || !refresh || !logout) throw new Error("registration failed");
  const team = await must<Team>(201, {
    method: "POST",
    path: "/teams",
    credential: session(admin),
    body: { name: "T" },
  });
  const fx: Fixture = {
    people: { admin, team_lead: teamLead, member, viewer, outsider },
    targets: { teamMember, account, signIn: signInTarget, refresh, logout },
    team: { id: team.id, orgId: team.orgId },
    teamAgentId: "",
    teamConversationId: "",
    personalAgentId: "",
    personalConversationId: "",
    credentialId: "",
    teamServerId: "",
    personalServerId: "",
    keys: {} as Fixture["keys"],
    // A's organization and everyone in it; resources join as they are made.
    privateIds: new Set([
      admin.id,
      teamLead.id,
      member.id,
      viewer.id,
      teamMember.id,
      account.id,
      team.id,
      team.orgId,
    ]),
  };
  await addToTeam(fx, teamLead, "team_lead");
  await addToTeam(fx, member, "member");
  await addToTeam(fx, viewer, "viewer");
  // The account target is in A's organization (through T), so A may disable it.
  await addToTeam(fx, account, "member");
  fx.teamAgentId = await newAgent(fx, "team");
  fx.teamConversationId = await newConversation(fx, fx.teamAgentId);
  fx.personalAgentId = await newAgent(fx, "personal");
  fx.personalConversationId = await newConversation(fx, fx.personalAgentId);
  fx.credentialId = await newCredential(fx);
  fx.teamServerId = await newMcpServer(fx, "team");
  fx.personalServerId = await newMcpServer(fx, "personal");
  fx.keys = {
    read: await newApiKey(fx, ["read"]),
    chat: await newApiKey(fx, ["chat"]),
    manage: await newApiKey(fx, ["manage"]),
  };
  return fx;
}
