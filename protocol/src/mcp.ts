import { z } from "zod";

const Id = z.string().uuid().describe("Resource id (UUID)");

/** MCP tool layer: the marketplace catalog, connected servers, tool lists and tool-call records. */

export const McpTransport = z
  .enum(["streamable-http", "sse", "stdio"])
  .describe("How the platform talks to the server; stdio servers run on the workspace host");
export type McpTransport = z.infer<typeof McpTransport>;

/** Transports a user may pick for a custom server by URL. */
export const McpRemoteTransport = z.enum(["streamable-http", "sse"]);
export type McpRemoteTransport = z.infer<typeof McpRemoteTransport>;

export const McpCredentialField = z.object({
  name: z.string().describe("Key of the field in the credential's `fields`"),
  label: z.string(),
  description: z.string(),
  required: z.boolean(),
  secret: z.boolean().describe("Masked in the UI; never returned by the API"),
  env: z.string().optional().describe("stdio servers: the environment variable the value is passed as"),
  header: z.string().optional().describe("HTTP servers: the request header the value is sent in"),
  format: z.string().optional().describe("Header value template, `{value}` replaced, e.g. `Bearer {value}`"),
});
export type McpCredentialField = z.infer<typeof McpCredentialField>;

export const McpCatalogEntry = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  transports: z.array(McpTransport),
  credentialFields: z.array(McpCredentialField),
  runsOn: z
    .enum(["platform", "workspace-host", "remote"])
    .describe("platform: in-process internal server; workspace-host: a stdio process; remote: a URL"),
  command: z
    .string()
    .optional()
    .describe("stdio servers: the full command the workspace host runs; enabling needs consent to it"),
  url: z.string().optional().describe("remote servers: the server's URL"),
  homepage: z.string().optional(),
  custom: z.boolean().describe("True for the `custom` entry: bring your own URL"),
});
export type McpCatalogEntry = z.infer<typeof McpCatalogEntry>;

export const McpCatalog = z.object({ entries: z.array(McpCatalogEntry) });
export type McpCatalog = z.infer<typeof McpCatalog>;

const CredentialFields = z
  .record(z.string().min(1).max(100), z.string().max(8192))
  .refine((fields) => Object.keys(fields).length <= 20, "At most 20 fields")
  .describe("Values keyed by the catalog entry's credential field names; stored encrypted, never returned");

const ServerCommon = {
  name: z.string().trim().min(1).max(100),
  teamId: Id.optional().describe("Share the server with this team; yours alone when absent"),
  credentialId: Id.optional().describe("A stored MCP credential of yours to connect with"),
  credential: z
    .object({ fields: CredentialFields })
    .optional()
    .describe("Paste a credential inline: it is stored encrypted in your vault and attached"),
};

export const CreateCatalogServerBody = z.object({
  ...ServerCommon,
  catalogId: z.string().min(1).max(100),
  consent: z
    .object({ command: z.string().max(2000) })
    .optional()
    .describe("stdio entries: repeat the catalog entry's `command` to consent to running it"),
});

export const CreateUrlServerBody = z.object({
  ...ServerCommon,
  url: z.url({ protocol: /^https?$/ }).max(2048),
  transport: McpRemoteTransport,
});

export const CreateMcpServerBody = z.union([CreateCatalogServerBody, CreateUrlServerBody]);
export type CreateMcpServerBody = z.infer<typeof CreateMcpServerBody>;

export const McpServer = z.object({
  id: Id,
  name: z.string(),
  teamId: Id.nullable(),
  catalogId: z.string().nullable(),
  url: z.string().nullable(),
  transport: McpTransport,
  credentialId: Id.nullable(),
  toolCount: z.number().int().nullable().describe("Tools in the cached list; null until first listed"),
  toolsFetchedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type McpServer = z.infer<typeof McpServer>;

export const McpServerCreated = z.object({ id: Id });

export const McpTool = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
});
export type McpTool = z.infer<typeof McpTool>;

export const McpToolList = z.object({
  serverId: Id,
  tools: z.array(McpTool),
  fetchedAt: z.string(),
  cached: z.boolean().describe("True when served from the cache, false when fetched from the server now"),
});
export type McpToolList = z.infer<typeof McpToolList>;

/** An agent's tools: all of a server's tools when `names` is absent. */
export const AgentToolGrant = z.object({
  serverId: Id,
  names: z.array(z.string().min(1).max(200)).max(500).optional(),
});
export type AgentToolGrant = z.infer<typeof AgentToolGrant>;
export const AgentTools = z.array(AgentToolGrant).max(100);

/** One tool call as recorded for a run (arguments with secrets masked, result truncated). */
export const ToolCallRecord = z.object({
  callId: z.string(),
  runId: z.string(),
  agentId: z.string(),
  serverId: z.string().nullable(),
  serverName: z.string(),
  tool: z.string(),
  arguments: z.unknown().describe("Arguments as sent, secrets masked"),
  result: z.string().nullable(),
  isError: z.boolean(),
  errorCode: z.string().nullable(),
  durationMs: z.number().int(),
  startedAt: z.string(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;

/** Error codes of the tool layer, also used in LLM-readable tool results. */
export const ToolErrorCode = {
  notAllowed: "tool_not_allowed",
  unknownTool: "unknown_tool",
  invalidArguments: "invalid_arguments",
  timeout: "tool_timeout",
  transport: "transport_error",
  toolFailed: "tool_failed",
  serverUnavailable: "server_unavailable",
  /** The server wants an OAuth authorization the platform does not hold: a user must connect it first. */
  authorizationRequired: "authorization_required",
} as const;
export type ToolErrorCode = (typeof ToolErrorCode)[keyof typeof ToolErrorCode];

export const ToolCallList = z.object({ toolCalls: z.array(ToolCallRecord) });
export type ToolCallList = z.infer<typeof ToolCallList>;

/** `POST /mcp/servers/{id}/oauth/start`: where to send the user's browser to authorize the platform. */
export const McpOAuthStart = z.object({
  authorizationUrl: z
    .url()
    .describe(
      "The authorization server's page (code_challenge_method=S256, resource=, state=); open it in the browser " +
        "that called this endpoint, which now holds the cookie the callback checks",
    ),
});
export type McpOAuthStart = z.infer<typeof McpOAuthStart>;

/** What the authorization server appends to the callback URL (RFC 6749 4.1.2); every part may be missing. */
export const McpOAuthCallbackQuery = z.object({
  code: z.string().max(4096).optional().describe("The authorization code"),
  state: z.string().max(512).optional().describe("The state the authorization request carried"),
  error: z.string().max(200).optional().describe("Set when the user or the server refused"),
  error_description: z.string().max(2000).optional(),
  iss: z.string().max(2048).optional().describe("The authorization server (RFC 9207), when it says so"),
});
export type McpOAuthCallbackQuery = z.infer<typeof McpOAuthCallbackQuery>;

/** Why an authorization failed, as the callback tells the dashboard (`?oauth=failed&reason=…`). */
export const McpOAuthFailure = z.enum([
  "invalid_request",
  "invalid_state",
  "expired",
  "denied",
  "forbidden",
  "exchange_failed",
]);
export type McpOAuthFailure = z.infer<typeof McpOAuthFailure>;
