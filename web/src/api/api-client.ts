import {
  type AddMemberBody,
  AdminUser,
  Agent,
  ApiKey,
  AuditEntry,
  AuthResult,
  type ChangePasswordBody,
  Conversation,
  type CreateAgentBody,
  type CreateApiKeyBody,
  type CreateConversationBody,
  type CreateCredentialBody,
  CreatedApiKey,
  type CreateMcpServerBody,
  type CreateTeamBody,
  Credential,
  type LoginBody,
  McpCatalog,
  type McpCatalogEntry,
  McpOAuthStart,
  McpServer,
  McpServerCreated,
  McpToolList,
  MessageList,
  ModelInfo as ModelInfoSchema,
  type RegisterBody,
  SendMessageResult,
  Team,
  TeamMember,
  ToolCallList,
  type ToolCallRecord,
  type UpdateAgentBody,
  type UpdateMemberBody,
  User,
} from "@switchboard/protocol";
import { z } from "zod";
import { filenameFromDisposition } from "../lib/download.ts";
import { tokenNeedsRefresh } from "../stream/reconnect-policy.ts";
import { ApiError } from "./api-error.ts";
import { jwtExpiresAt } from "./jwt.ts";
import type { Session, SessionStore } from "./session-store.ts";

const CancelResult = z.object({ cancelled: z.boolean() });

export type ModelInfo = z.infer<typeof ModelInfoSchema>;

const AgentList = z.object({ agents: z.array(Agent) });
const CredentialList = z.object({ credentials: z.array(Credential) });
const ConversationList = z.object({ conversations: z.array(Conversation) });
const TeamList = z.object({ teams: z.array(Team) });
const MemberList = z.object({ members: z.array(TeamMember) });
const ApiKeyList = z.object({ apiKeys: z.array(ApiKey) });
const AdminUserList = z.object({ users: z.array(AdminUser) });
const McpServerList = z.object({ servers: z.array(McpServer) });
const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullish() });
export type AuditPage = z.infer<typeof AuditPage>;

/** Filters of `GET /audit` (and its export); empty values are left out of the query. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  /** ISO 8601 datetimes. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export type AuditExportFormat = "csv" | "json";

/** A downloaded file, ready to hand to `saveBlob`. */
export interface Download {
  blob: Blob;
  filename: string;
}

/** Sign-out waits this long for the server to revoke the session, then forgets it locally anyway. */
const LOGOUT_TIMEOUT_MS = 5_000;

/** Runs `task` while holding a lock shared by every tab of this origin. */
export type CrossTabLock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

/**
 * Refresh tokens rotate on use, so two tabs refreshing at once would make one of them present a token
 * the other just spent and be signed out. The Web Locks API serialises them across tabs.
 */
const webLock: CrossTabLock = <T>(name: string, task: () => Promise<T>) =>
  typeof navigator !== "undefined" && navigator.locks
    ? (navigator.locks.request(name, task) as Promise<T>)
    : task();

interface RequestOptions<S extends z.ZodType | undefined> {
  body?: unknown;
  schema: S;
  /** Send the access token (and refresh it on a 401). */
  auth?: boolean;
  signal?: AbortSignal;
  /** The `Accept` header; JSON unless downloading a file. */
  accept?: string;
}

export interface ApiClientOptions {
  session: SessionStore;
  baseUrl?: string;
  fetch?: typeof fetch;
  lock?: CrossTabLock;
  now?: () => number;
}

/** The typed client of `/api/v1`. Every response is checked against the shared protocol schemas. */
export class ApiClient {
  readonly session: SessionStore;
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #lock: CrossTabLock;
  readonly #now: () => number;
  #refreshing: Promise<Session | null> | null = null;

  constructor(options: ApiClientOptions) {
    this.session = options.session;
    this.#baseUrl = options.baseUrl ?? "/api/v1";
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#lock = options.lock ?? webLock;
    this.#now = options.now ?? Date.now;
  }

  // ---- auth ---------------------------------------------------------------------------------------

  async register(body: RegisterBody): Promise<Session> {
    const result = await this.request("POST", "/auth/register", { body, schema: AuthResult, auth: false });
    this.session.set(result);
    return result;
  }

  async login(body: LoginBody): Promise<Session> {
    const result = await this.request("POST", "/auth/login", { body, schema: AuthResult, auth: false });
    this.session.set(result);
    return result;
  }

  /**
   * Revokes the session on the server (`POST /auth/logout`), then forgets it here. A failed or slow
   * logout call never keeps the user signed in on this device.
   */
  async signOut(): Promise<void> {
    const session = this.session.get();
    if (session) {
      try {
        await this.request("POST", "/auth/logout", {
          body: { refreshToken: session.refreshToken },
          schema: undefined,
          auth: false,
          signal: AbortSignal.timeout(LOGOUT_TIMEOUT_MS),
        });
      } catch {
        // Offline, rate-limited or already revoked: the local sign-out below still happens.
      }
    }
    this.session.set(null);
  }

  /** Drops the session locally without calling the server (it already ended every session). */
  forgetSession(): void {
    this.session.set(null);
  }

  /** Changes the password. The server signs every session out, this one included: sign in again after. */
  changePassword(body: ChangePasswordBody): Promise<void> {
    return this.request("POST", "/auth/change-password", { body, schema: undefined });
  }

  me(signal?: AbortSignal): Promise<User> {
    return this.request("GET", "/me", { schema: User, signal });
  }

  /**
   * An access token fit for a new WebSocket: refreshed first when forced (the server refused the last
   * one) or close to expiry. Null when signed out; throws on network trouble so the caller retries.
   */
  async accessToken(options: { forceRefresh: boolean }): Promise<string | null> {
    const session = this.session.get();
    if (!session) return null;
    if (options.forceRefresh || tokenNeedsRefresh(jwtExpiresAt(session.accessToken), this.#now())) {
      const refreshed = await this.#refresh(session.accessToken);
      return refreshed?.accessToken ?? null;
    }
    return session.accessToken;
  }

  // ---- resources ----------------------------------------------------------------------------------

  models(signal?: AbortSignal): Promise<ModelInfo> {
    return this.request("GET", "/models", { schema: ModelInfoSchema, signal });
  }

  async credentials(signal?: AbortSignal): Promise<Credential[]> {
    return (await this.request("GET", "/credentials", { schema: CredentialList, signal })).credentials;
  }

  createCredential(body: CreateCredentialBody): Promise<Credential> {
    return this.request("POST", "/credentials", { body, schema: Credential });
  }

  deleteCredential(id: string): Promise<void> {
    return this.request("DELETE", `/credentials/${encodeURIComponent(id)}`, { schema: undefined });
  }

  async agents(signal?: AbortSignal): Promise<Agent[]> {
    return (await this.request("GET", "/agents", { schema: AgentList, signal })).agents;
  }

  agent(id: string, signal?: AbortSignal): Promise<Agent> {
    return this.request("GET", `/agents/${encodeURIComponent(id)}`, { schema: Agent, signal });
  }

  createAgent(body: CreateAgentBody): Promise<Agent> {
    return this.request("POST", "/agents", { body, schema: Agent });
  }

  updateAgent(id: string, body: UpdateAgentBody): Promise<Agent> {
    return this.request("PATCH", `/agents/${encodeURIComponent(id)}`, { body, schema: Agent });
  }

  deleteAgent(id: string): Promise<void> {
    return this.request("DELETE", `/agents/${encodeURIComponent(id)}`, { schema: undefined });
  }

  async conversations(signal?: AbortSignal): Promise<Conversation[]> {
    return (await this.request("GET", "/conversations", { schema: ConversationList, signal })).conversations;
  }

  conversation(id: string, signal?: AbortSignal): Promise<Conversation> {
    return this.request("GET", `/conversations/${encodeURIComponent(id)}`, { schema: Conversation, signal });
  }

  createConversation(body: CreateConversationBody): Promise<Conversation> {
    return this.request("POST", "/conversations", { body, schema: Conversation });
  }

  messages(conversationId: string, signal?: AbortSignal): Promise<MessageList> {
    const path = `/conversations/${encodeURIComponent(conversationId)}/messages`;
    return this.request("GET", path, { schema: MessageList, signal });
  }

  sendMessage(conversationId: string, content: string): Promise<SendMessageResult> {
    const path = `/conversations/${encodeURIComponent(conversationId)}/messages`;
    return this.request("POST", path, { body: { content }, schema: SendMessageResult });
  }

  /** Stops the running reply; the stream then carries `run.failed` with code `cancelled`. */
  cancelRun(conversationId: string): Promise<{ cancelled: boolean }> {
    const path = `/conversations/${encodeURIComponent(conversationId)}/cancel`;
    return this.request("POST", path, { schema: CancelResult });
  }

  /** Every recorded tool call of the conversation (or of one run), oldest first. */
  async toolCalls(
    conversationId: string,
    options: { runId?: string; signal?: AbortSignal } = {},
  ): Promise<ToolCallRecord[]> {
    const path = `/conversations/${encodeURIComponent(conversationId)}/tool-calls${queryString({ runId: options.runId })}`;
    return (await this.request("GET", path, { schema: ToolCallList, signal: options.signal })).toolCalls;
  }

  // ---- MCP tools -----------------------------------------------------------------------------------

  async mcpCatalog(signal?: AbortSignal): Promise<McpCatalogEntry[]> {
    return (await this.request("GET", "/mcp/catalog", { schema: McpCatalog, signal })).entries;
  }

  async mcpServers(signal?: AbortSignal): Promise<McpServer[]> {
    return (await this.request("GET", "/mcp/servers", { schema: McpServerList, signal })).servers;
  }

  mcpServer(id: string, signal?: AbortSignal): Promise<McpServer> {
    return this.request("GET", `/mcp/servers/${encodeURIComponent(id)}`, { schema: McpServer, signal });
  }

  /**
   * Connects a server. Refusals the form shows as they are: 422 `consent_required` (a stdio entry without
   * `consent.command`), 422 `validation_failed`, 400 `url_not_allowed` (the outbound URL policy).
   */
  createMcpServer(body: CreateMcpServerBody): Promise<{ id: string }> {
    return this.request("POST", "/mcp/servers", { body, schema: McpServerCreated });
  }

  /** Starts OAuth for a remote server; send the browser to the returned URL. */
  startMcpOAuth(id: string): Promise<McpOAuthStart> {
    return this.request("POST", `/mcp/servers/${encodeURIComponent(id)}/oauth/start`, {
      schema: McpOAuthStart,
    });
  }

  deleteMcpServer(id: string): Promise<void> {
    return this.request("DELETE", `/mcp/servers/${encodeURIComponent(id)}`, { schema: undefined });
  }

  /** The server's tools, from the server's cache unless `refresh` (then 502 `bad_gateway` if unreachable). */
  mcpTools(id: string, options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<McpToolList> {
    const path = `/mcp/servers/${encodeURIComponent(id)}/tools${options.refresh ? "?refresh=true" : ""}`;
    return this.request("GET", path, { schema: McpToolList, signal: options.signal });
  }

  // ---- teams ---------------------------------------------------------------------------------------

  async teams(signal?: AbortSignal): Promise<Team[]> {
    return (await this.request("GET", "/teams", { schema: TeamList, signal })).teams;
  }

  createTeam(body: CreateTeamBody): Promise<Team> {
    return this.request("POST", "/teams", { body, schema: Team });
  }

  async teamMembers(teamId: string, signal?: AbortSignal): Promise<TeamMember[]> {
    const path = `/teams/${encodeURIComponent(teamId)}/members`;
    return (await this.request("GET", path, { schema: MemberList, signal })).members;
  }

  addTeamMember(teamId: string, body: AddMemberBody): Promise<TeamMember> {
    return this.request("POST", `/teams/${encodeURIComponent(teamId)}/members`, { body, schema: TeamMember });
  }

  updateTeamMember(teamId: string, userId: string, body: UpdateMemberBody): Promise<TeamMember> {
    const path = `/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`;
    return this.request("PATCH", path, { body, schema: TeamMember });
  }

  removeTeamMember(teamId: string, userId: string): Promise<void> {
    const path = `/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`;
    return this.request("DELETE", path, { schema: undefined });
  }

  // ---- API keys ------------------------------------------------------------------------------------

  async apiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
    return (await this.request("GET", "/api-keys", { schema: ApiKeyList, signal })).apiKeys;
  }

  /** The answer carries the key itself, once. */
  createApiKey(body: CreateApiKeyBody): Promise<CreatedApiKey> {
    return this.request("POST", "/api-keys", { body, schema: CreatedApiKey });
  }

  revokeApiKey(id: string): Promise<void> {
    return this.request("DELETE", `/api-keys/${encodeURIComponent(id)}`, { schema: undefined });
  }

  // ---- organization admin --------------------------------------------------------------------------

  auditLog(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
    return this.request("GET", `/audit${queryString(query)}`, { schema: AuditPage, signal });
  }

  /**
   * The audit log as a file. Fetched with the access token (a plain link could not send it), then
   * handed back as a blob for `saveBlob`.
   */
  async exportAuditLog(format: AuditExportFormat, filters: AuditQuery = {}): Promise<Download> {
    const { cursor: _cursor, limit: _limit, ...rest } = filters;
    const path = `/audit/export${queryString({ format, ...rest })}`;
    const response = await this.#fetchAuthorized("GET", path, {
      schema: undefined,
      accept: format === "csv" ? "text/csv" : "application/json",
    });
    if (!response.ok) throw await ApiError.fromResponse(response, this.#now());
    const blob = await response.blob();
    const fallback = `switchboard-audit-${new Date(this.#now()).toISOString().slice(0, 10)}.${format}`;
    return { blob, filename: filenameFromDisposition(response.headers.get("Content-Disposition"), fallback) };
  }

  async adminUsers(signal?: AbortSignal): Promise<AdminUser[]> {
    return (await this.request("GET", "/admin/users", { schema: AdminUserList, signal })).users;
  }

  setUserDisabled(userId: string, disabled: boolean): Promise<void> {
    const path = `/admin/users/${encodeURIComponent(userId)}/${disabled ? "disable" : "enable"}`;
    return this.request("POST", path, { schema: undefined });
  }

  // ---- transport ----------------------------------------------------------------------------------

  async request<S extends z.ZodType | undefined>(
    method: string,
    path: string,
    options: RequestOptions<S>,
  ): Promise<S extends z.ZodType ? z.infer<S> : undefined> {
    const response = await this.#fetchAuthorized(method, path, options);
    if (!response.ok) throw await ApiError.fromResponse(response, this.#now());
    if (!options.schema || response.status === 204) return undefined as never;
    const json: unknown = await response.json().catch(() => {
      throw new ApiError(response.status, "bad_response", "The server sent a response this app cannot read.");
    });
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      console.error(`Unexpected response from ${method} ${path}`, parsed.error.issues);
      throw new ApiError(response.status, "bad_response", "The server sent a response this app cannot read.");
    }
    return parsed.data as never;
  }

  /** Sends the request with the access token; on a 401 refreshes once and retries once. */
  async #fetchAuthorized(
    method: string,
    path: string,
    options: RequestOptions<z.ZodType | undefined>,
  ): Promise<Response> {
    const auth = options.auth ?? true;
    let token = auth ? await this.#currentToken() : undefined;
    let response = await this.#send(method, path, options, token);
    if (response.status === 401 && auth && token) {
      // The access token was refused (expired, or the signing key rotated): refresh once, retry once.
      const refreshed = await this.#refresh(token);
      if (!refreshed)
        throw new ApiError(401, "unauthorized", "Your session has ended. Please sign in again.");
      token = refreshed.accessToken;
      response = await this.#send(method, path, options, token);
      if (response.status === 401) this.session.set(null);
    }
    return response;
  }

  async #currentToken(): Promise<string | undefined> {
    const session = this.session.get();
    if (!session) return undefined;
    if (!tokenNeedsRefresh(jwtExpiresAt(session.accessToken), this.#now())) return session.accessToken;
    try {
      return (await this.#refresh(session.accessToken))?.accessToken;
    } catch {
      // Could not refresh ahead of time; the request itself will tell whether the old token still works.
      return session.accessToken;
    }
  }

  async #send(
    method: string,
    path: string,
    options: RequestOptions<z.ZodType | undefined>,
    token: string | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: options.accept ?? "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw ApiError.network();
    }
  }

  /** One refresh at a time per tab (callers share it) and, through the lock, per browser. */
  #refresh(staleAccessToken: string): Promise<Session | null> {
    this.#refreshing ??= this.#lock("switchboard.refresh", () => this.#refreshNow(staleAccessToken)).finally(
      () => {
        this.#refreshing = null;
      },
    );
    return this.#refreshing;
  }

  async #refreshNow(staleAccessToken: string): Promise<Session | null> {
    const current = this.session.reload();
    if (!current) return null;
    // Another tab (or an earlier call) already rotated the tokens while we waited for the lock.
    if (current.accessToken !== staleAccessToken) return current;
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}/auth/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
    } catch {
      throw ApiError.network();
    }
    if (response.status === 401) {
      this.session.set(null);
      return null;
    }
    if (!response.ok) throw await ApiError.fromResponse(response, this.#now());
    const parsed = AuthResult.safeParse(await response.json().catch(() => null));
    if (!parsed.success)
      throw new ApiError(response.status, "bad_response", "The server sent a response this app cannot read.");
    this.session.set(parsed.data);
    return parsed.data;
  }
}

/** `?a=1&b=2` from the defined, non-empty values (or "" when there are none). */
function queryString(values: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values) as Array<[string, unknown]>) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text !== "") params.set(key, text);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}
