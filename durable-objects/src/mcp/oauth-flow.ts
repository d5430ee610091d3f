import { auth, extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed } from "@modelcontextprotocol/sdk/shared/auth.js";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import type { StoredOAuth } from "./oauth-credential.ts";
import { StoredOAuthProvider } from "./oauth-provider.ts";

/** What the server's 401 said: where its protected-resource metadata is and which scope it wants. */
export interface AuthorizationChallenge {
  resourceMetadataUrl?: URL | undefined;
  scope?: string | undefined;
}

export interface BeginAuthorizationInput {
  serverUrl: string;
  transport: "streamable-http" | "sse";
  /** The platform's callback URL; the authorization server redirects the browser there. */
  redirectUrl: string;
  /** Random, single use; it comes back with the code and identifies the pending authorization. */
  state: string;
  /** SSRF-guarded: metadata documents name further URLs (authorization server, endpoints). */
  fetch: typeof fetch;
  /** A pre-registered client; without one the platform registers itself (RFC 7591) when it can. */
  client?: OAuthClientInformationMixed | undefined;
  /** Overrides the scope the challenge or the metadata asks for. */
  scope?: string | undefined;
  clientMetadataUrl?: string | undefined;
}

/** A started authorization: the URL for the browser, and what the callback needs to finish it. */
export interface AuthorizationStart {
  authorizationUrl: URL;
  codeVerifier: string;
  client: OAuthClientInformationMixed;
  resourceMetadataUrl?: string | undefined;
}

/**
 * Starts an authorization-code flow with PKCE (S256) for an MCP server, through the SDK's `auth()`: it
 * reads the server's 401 challenge, discovers the protected-resource and authorization-server metadata,
 * registers the platform when no client is given, and builds the authorization URL with `state`, the
 * code challenge and the `resource` indicator (RFC 8707). Nothing is stored here.
 * @example const { authorizationUrl, codeVerifier, client } = await beginAuthorization({ serverUrl, transport: "streamable-http", redirectUrl, state, fetch: guarded });
 */
export async function beginAuthorization(input: BeginAuthorizationInput): Promise<AuthorizationStart> {
  const challenge = await probeChallenge(input.serverUrl, input.transport, input.fetch);
  let authorizationUrl: URL | undefined;
  const provider = new StoredOAuthProvider({
    redirectUrl: input.redirectUrl,
    stored: { client: input.client },
    state: input.state,
    register: true,
    clientMetadataUrl: input.clientMetadataUrl,
    onAuthorizationRequest: (url) => {
      authorizationUrl = url;
    },
  });
  const result = await auth(provider, {
    serverUrl: input.serverUrl,
    resourceMetadataUrl: challenge.resourceMetadataUrl,
    scope: input.scope ?? challenge.scope,
    fetchFn: input.fetch,
  });
  const client = provider.stored.client;
  if (result !== "REDIRECT" || !authorizationUrl || !client) {
    throw new Error("The server's authorization server did not start an authorization.");
  }
  return {
    authorizationUrl,
    codeVerifier: provider.codeVerifier(),
    client,
    resourceMetadataUrl: challenge.resourceMetadataUrl?.href,
  };
}

export interface CompleteAuthorizationInput {
  serverUrl: string;
  redirectUrl: string;
  code: string;
  codeVerifier: string;
  client: OAuthClientInformationMixed;
  resourceMetadataUrl?: string | undefined;
  fetch: typeof fetch;
}

/**
 * Exchanges the authorization code (with the PKCE verifier and the same `resource`) for tokens.
 * @example const { client, tokens } = await completeAuthorization({ serverUrl, redirectUrl, code, codeVerifier, client, fetch: guarded });
 */
export async function completeAuthorization(input: CompleteAuthorizationInput): Promise<StoredOAuth> {
  const provider = new StoredOAuthProvider({
    redirectUrl: input.redirectUrl,
    stored: { client: input.client },
    codeVerifier: input.codeVerifier,
    register: false,
    onAuthorizationRequest: () => {
      throw new Error("The authorization server asked for a new authorization instead of issuing tokens.");
    },
  });
  const result = await auth(provider, {
    serverUrl: input.serverUrl,
    authorizationCode: input.code,
    resourceMetadataUrl: input.resourceMetadataUrl ? new URL(input.resourceMetadataUrl) : undefined,
    fetchFn: input.fetch,
  });
  const stored = provider.stored;
  if (result !== "AUTHORIZED" || !stored.tokens)
    throw new Error("The authorization server issued no tokens.");
  return stored;
}

/**
 * Asks the server, without credentials, what it wants: an MCP `initialize` (Streamable HTTP) or the event
 * stream (SSE). A 401 names the metadata and scope in `WWW-Authenticate`; any other answer gives nothing,
 * and discovery falls back to the well-known URLs.
 */
export async function probeChallenge(
  serverUrl: string,
  transport: "streamable-http" | "sse",
  fetchFn: typeof fetch,
): Promise<AuthorizationChallenge> {
  const init: RequestInit =
    transport === "sse"
      ? { method: "GET", headers: { accept: "text/event-stream" } }
      : {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 0,
            method: "initialize",
            params: {
              protocolVersion: LATEST_PROTOCOL_VERSION,
              capabilities: {},
              clientInfo: { name: "switchboard", version: "1.0.0" },
            },
          }),
        };
  const response = await fetchFn(serverUrl, { ...init, signal: AbortSignal.timeout(15_000) });
  await response.body?.cancel().catch(() => undefined);
  if (response.status !== 401) return {};
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
  return { resourceMetadataUrl, scope };
}
