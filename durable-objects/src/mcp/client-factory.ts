import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import type { Database } from "@switchboard/db/client";
import {
  bridgeStdioPath,
  type CatalogDefinition,
  catalogEntry,
  sealBridgeToken,
} from "@switchboard/protocol";
import { INTERNAL_SERVERS } from "./internal/index.ts";
import { connectionOAuthProvider } from "./oauth-provider.ts";
import type { McpServerSpec } from "./server-spec.ts";
import { SingleDeliverySseTransport } from "./sse-transport.ts";

export const CLIENT_INFO = { name: "switchboard", version: "1.0.0" };

export interface ConnectDeps {
  /** The verified user the connection acts for (never their platform token). */
  userId: string;
  /** For internal servers that read the platform's own data, with the user's permissions. */
  db: Database;
  /** SSRF-guarded fetch for user-supplied URLs. */
  guardedFetch: typeof fetch;
  /** The server's credential fields, decrypted now (only called when the server needs them). */
  credentialFields(): Promise<Record<string, string>>;
  workspaceHost?: { url: string; secret: string } | undefined;
  /** Called with the fresh list after the server sent `notifications/tools/list_changed`. */
  onToolsChanged?: ((tools: Tool[]) => void) | undefined;
  /** Re-seals the credential with changed fields (OAuth tokens refreshed during the connection). */
  saveCredentialFields?: ((fields: Record<string, string>) => Promise<void>) | undefined;
}

export class McpConfigurationError extends Error {
  override readonly name = "McpConfigurationError";
}

/**
 * Connects to one MCP server and completes the MCP handshake. Internal servers are linked in-process;
 * workspace-host servers (stdio bridge, workspace) get a sealed bridge token; remote servers get the
 * credential's headers and the guarded fetch. Every path ends in the same SDK `Client`.
 * @example const client = await connectMcpServer(spec, deps); await client.listTools();
 */
export async function connectMcpServer(spec: McpServerSpec, deps: ConnectDeps): Promise<Client> {
  const client = new Client(CLIENT_INFO, {
    capabilities: {},
    // workerd forbids code generation, so Ajv cannot compile; @cfworker/json-schema interprets instead.
    jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    ...(deps.onToolsChanged
      ? {
          listChanged: {
            tools: {
              onChanged: (error: Error | null, tools: Tool[] | null) => {
                if (!error && tools) deps.onToolsChanged?.(tools);
              },
            },
          },
        }
      : {}),
  });
  await client.connect(await transportFor(spec, deps));
  return client;
}

async function transportFor(spec: McpServerSpec, deps: ConnectDeps): Promise<Transport> {
  const entry = spec.catalogId ? catalogEntry(spec.catalogId) : undefined;
  if (entry?.internal) {
    const factory = INTERNAL_SERVERS[entry.internal];
    if (!factory) throw new McpConfigurationError(`No internal server named ${entry.internal}.`);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ fetch: deps.guardedFetch, userId: deps.userId, db: deps.db }).connect(serverSide);
    return clientSide;
  }
  if (entry?.runsOn === "workspace-host") return workspaceHostTransport(spec, entry, deps);
  if (!spec.url) throw new McpConfigurationError(`Server ${spec.name} has no URL.`);
  const fields = await deps.credentialFields();
  // OAuth tokens in the credential: the SDK sends the bearer (not a static header) and refreshes it.
  const authProvider = connectionOAuthProvider(spec, fields, deps.saveCredentialFields);
  const headers = Object.fromEntries(
    Object.entries(headersFor(entry, fields)).filter(
      ([name]) => !authProvider || name.toLowerCase() !== "authorization",
    ),
  );
  const url = new URL(spec.url);
  if (spec.transport === "sse") {
    return new SingleDeliverySseTransport(url, {
      requestInit: { headers },
      eventSourceInit: { fetch: (input, init) => deps.guardedFetch(input, withHeaders(init, headers)) },
      fetch: deps.guardedFetch,
      authProvider,
    });
  }
  return new StreamableHTTPClientTransport(url, {
    requestInit: { headers },
    fetch: deps.guardedFetch,
    authProvider,
  });
}

async function workspaceHostTransport(
  spec: McpServerSpec,
  entry: CatalogDefinition,
  deps: ConnectDeps,
): Promise<Transport> {
  if (!deps.workspaceHost) {
    throw new McpConfigurationError(
      "The workspace host is not configured (WORKSPACE_HOST_URL and WORKSPACE_HOST_SECRET).",
    );
  }
  const fields = entry.credentialFields.length > 0 ? await deps.credentialFields() : {};
  const env: Record<string, string> = {};
  for (const field of entry.credentialFields) {
    const value = fields[field.name];
    if (field.env && value !== undefined) env[field.env] = value;
  }
  const token = await sealBridgeToken(deps.workspaceHost.secret, {
    sub: deps.userId,
    srv: spec.id,
    cat: entry.id,
    own: spec.ownerKey,
    env,
  });
  const path = entry.hostPath ?? bridgeStdioPath(entry.id);
  // The workspace host is the operator's own service, so it is reached with the plain fetch.
  return new StreamableHTTPClientTransport(new URL(path, deps.workspaceHost.url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
}

/**
 * Request headers from a credential: catalog fields with a `header` (and `format`), plus `header:<Name>`
 * fields of custom servers. The platform's own tokens are never among them.
 */
export function headersFor(
  entry: CatalogDefinition | undefined,
  fields: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const known = entry?.credentialFields ?? catalogEntry("custom")?.credentialFields ?? [];
  for (const field of known) {
    const value = fields[field.name];
    if (field.header && value) headers[field.header] = (field.format ?? "{value}").replace("{value}", value);
  }
  for (const [name, value] of Object.entries(fields)) {
    const header = /^header:([A-Za-z0-9-]{1,100})$/.exec(name)?.[1];
    if (header && !/^(host|cookie|content-length|transfer-encoding|connection)$/i.test(header)) {
      headers[header] = value;
    }
  }
  return headers;
}

function withHeaders(init: RequestInit | undefined, headers: Record<string, string>): RequestInit {
  const merged = new Headers(init?.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return { ...init, headers: merged };
}
