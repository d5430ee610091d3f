import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/sdk/server/auth/clients.js";
import { InvalidGrantError, InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from "@modelcontextprotocol/sdk/server/auth/provider.js";
import {
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthRouter,
} from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import express, { type Response } from "express";

/** What the test server saw, read by the tests through `GET /_test/stats`. */
export interface OAuthServerStats {
  registrations: number;
  authorizations: { resource?: string; scope?: string; state?: string }[];
  codeExchanges: number;
  refreshes: number;
}

interface Grant {
  clientId: string;
  scopes: string[];
  resource: string;
  expiresAt: number;
}

/**
 * A real OAuth-protected MCP server for the worker's tests, built from the SDK's server-side auth pieces:
 * `mcpAuthRouter` is the authorization server (metadata, dynamic client registration, authorize, token
 * with PKCE S256 checked by the SDK) and also serves the protected-resource metadata; `requireBearerAuth`
 * guards the MCP endpoint and answers 401 with `WWW-Authenticate: Bearer resource_metadata=…`.
 *
 * Unlike a real one it approves every authorization request at once (no login page): `/authorize`
 * redirects straight to the client's `redirect_uri` with a code and the state. Tokens are bound to the MCP
 * URL as their resource (RFC 8707); a code or refresh for any other resource is refused.
 *
 * Test-only control: `POST /_test/expire-access-tokens` makes every issued access token invalid (to see
 * the client refresh), `GET /_test/stats` says what happened.
 */
export async function startOAuthMcpServer(): Promise<{
  url: string;
  origin: string;
  close(): Promise<void>;
}> {
  const http: Server = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const mcpUrl = new URL(`${origin}/mcp`);
  const provider = new AutoApprovingProvider(mcpUrl.href);

  const app = express();
  app.get("/_test/stats", (_req, res) => {
    res.json(provider.stats);
  });
  app.post("/_test/expire-access-tokens", (_req, res) => {
    provider.expireAccessTokens();
    res.status(204).end();
  });
  const noRateLimit = { rateLimit: false } as const;
  app.use(
    mcpAuthRouter({
      provider,
      issuerUrl: new URL(`${origin}/`),
      resourceServerUrl: mcpUrl,
      scopesSupported: ["mcp:tools"],
      resourceName: "OAuth test server",
      authorizationOptions: noRateLimit,
      tokenOptions: noRateLimit,
      clientRegistrationOptions: noRateLimit,
      revocationOptions: noRateLimit,
    }),
  );
  const bearer = requireBearerAuth({
    verifier: provider,
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl),
    expectedResource: mcpUrl,
  });
  app.all("/mcp", express.json(), bearer, async (req, res) => {
    // Stateless: a server and a transport per request, as the SDK's stateless example does.
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const server = buildServer(req.auth);
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  http.on("request", app);

  return {
    url: mcpUrl.href,
    origin,
    close: () =>
      new Promise((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function buildServer(authInfo: AuthInfo | undefined): McpServer {
  const server = new McpServer({ name: "oauth-test", version: "1.0.0" });
  server.registerTool(
    "whoami",
    { description: "Says which OAuth client called, and for which resource" },
    async () => ({
      content: [{ type: "text", text: `client ${authInfo?.clientId} for ${authInfo?.resource?.href}` }],
    }),
  );
  return server;
}

class MemoryClients implements OAuthRegisteredClientsStore {
  readonly #clients = new Map<string, OAuthClientInformationFull>();
  constructor(private readonly onRegister: () => void) {}

  getClient(clientId: string) {
    return this.#clients.get(clientId);
  }

  registerClient(client: OAuthClientInformationFull) {
    this.onRegister();
    this.#clients.set(client.client_id, client);
    return client;
  }
}

/** An authorization server that says yes to everyone, with codes, access and refresh tokens in memory. */
class AutoApprovingProvider implements OAuthServerProvider {
  readonly stats: OAuthServerStats = { registrations: 0, authorizations: [], codeExchanges: 0, refreshes: 0 };
  readonly clientsStore = new MemoryClients(() => {
    this.stats.registrations += 1;
  });
  readonly #codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  readonly #accessTokens = new Map<string, Grant>();
  readonly #refreshTokens = new Map<string, Grant>();

  constructor(private readonly resource: string) {}

  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response) {
    this.stats.authorizations.push({
      resource: params.resource?.href,
      scope: params.scopes?.join(" "),
      state: params.state,
    });
    const code = randomUUID();
    this.#codes.set(code, { clientId: client.client_id, params });
    const target = new URL(params.redirectUri);
    target.searchParams.set("code", code);
    if (params.state !== undefined) target.searchParams.set("state", params.state);
    res.redirect(302, target.href);
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string) {
    const entry = this.#codes.get(code);
    if (!entry) throw new InvalidGrantError("Unknown authorization code");
    return entry.params.codeChallenge;
  }

  async exchangeAuthorizationCode(
    client: OAuthClientInformationFull,
    code: string,
    _verifier?: string,
    _redirectUri?: string,
    resource?: URL,
  ): Promise<OAuthTokens> {
    const entry = this.#codes.get(code);
    // Single use, like a real server: the SDK already checked the PKCE verifier against the challenge.
    this.#codes.delete(code);
    if (!entry || entry.clientId !== client.client_id)
      throw new InvalidGrantError("Unknown authorization code");
    if (entry.params.resource?.href !== this.resource || resource?.href !== this.resource) {
      throw new InvalidGrantError(`Tokens are only issued for ${this.resource}`);
    }
    this.stats.codeExchanges += 1;
    return this.#issue(client.client_id, entry.params.scopes ?? []);
  }

  async exchangeRefreshToken(
    client: OAuthClientInformationFull,
    refreshToken: string,
    _scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens> {
    const grant = this.#refreshTokens.get(refreshToken);
    // Rotated on every use (OAuth 2.1 for public clients): a refresh token works once.
    this.#refreshTokens.delete(refreshToken);
    if (!grant || grant.clientId !== client.client_id) throw new InvalidGrantError("Unknown refresh token");
    if (resource && resource.href !== this.resource) throw new InvalidGrantError("Wrong resource");
    this.stats.refreshes += 1;
    return this.#issue(client.client_id, grant.scopes);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const grant = this.#accessTokens.get(token);
    if (!grant || grant.expiresAt <= Date.now()) throw new InvalidTokenError("Invalid or expired token");
    return {
      token,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: Math.floor(grant.expiresAt / 1000),
      resource: new URL(grant.resource),
    };
  }

  expireAccessTokens(): void {
    for (const grant of this.#accessTokens.values()) grant.expiresAt = 0;
  }

  #issue(clientId: string, scopes: string[]): OAuthTokens {
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    const grant = { clientId, scopes, resource: this.resource, expiresAt: Date.now() + 3_600_000 };
    this.#accessTokens.set(accessToken, grant);
    this.#refreshTokens.set(refreshToken, { ...grant, expiresAt: Number.POSITIVE_INFINITY });
    return {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: 3600,
      refresh_token: refreshToken,
      scope: scopes.join(" "),
    };
  }
}
