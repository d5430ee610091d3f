import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { McpAuthorizationRequiredError } from "./authorization-required.ts";
import { readStoredOAuth, type StoredOAuth, withStoredOAuth } from "./oauth-credential.ts";
import type { McpServerSpec } from "./server-spec.ts";

/** The name the platform registers under; authorization servers show it on their consent screen. */
export const OAUTH_CLIENT_NAME = "Switchboard";

export interface StoredOAuthProviderOptions {
  /** The platform's callback (`<origin>/api/v1/mcp/oauth/callback`), registered with the server. */
  redirectUrl: string;
  /** What is known already: a registration to reuse, tokens to send and refresh. */
  stored: StoredOAuth;
  /** The `state` the authorization request carries (random, single use; see routes/mcp-oauth.ts). */
  state?: string | undefined;
  /** The PKCE verifier of a flow started earlier, for the code exchange. */
  codeVerifier?: string | undefined;
  /**
   * May this provider register the platform with the authorization server (dynamic client registration)?
   * Only when a user starts a flow; a running connection never registers.
   */
  register: boolean;
  /** A URL-based client id (SEP-991 client ID metadata document), used when the server supports it. */
  clientMetadataUrl?: string | undefined;
  /** Persists new tokens or a new registration (the caller re-seals the credential). */
  save?: ((stored: StoredOAuth) => Promise<void>) | undefined;
  /** For error messages. */
  serverName?: string | undefined;
  /** The SDK wants the user's browser sent here. Connections throw McpAuthorizationRequiredError. */
  onAuthorizationRequest(url: URL): void | Promise<void>;
}

/**
 * The SDK's `OAuthClientProvider` over a server's stored OAuth state. The SDK drives the protocol
 * (discovery, registration, PKCE S256, the `resource` indicator, refresh); this class only keeps what it
 * hands over and says where to persist it. Tokens travel in the `Authorization` header, never a URL.
 * @example
 * const provider = new StoredOAuthProvider({ redirectUrl, stored, register: false, onAuthorizationRequest: () => { throw … } });
 * new StreamableHTTPClientTransport(url, { authProvider: provider });
 */
export class StoredOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl: string | undefined;
  readonly saveClientInformation?: (client: OAuthClientInformationMixed) => Promise<void>;
  #stored: StoredOAuth;
  #codeVerifier: string | undefined;

  constructor(private readonly options: StoredOAuthProviderOptions) {
    this.#stored = { ...options.stored };
    this.#codeVerifier = options.codeVerifier;
    this.clientMetadataUrl = options.clientMetadataUrl;
    // Left undefined for connections: the SDK then never registers a new client in the middle of a run.
    if (options.register) {
      this.saveClientInformation = async (client) => {
        this.#stored = { ...this.#stored, client };
        await options.save?.(this.stored);
      };
    }
  }

  /** A copy of the current state, as the SDK last updated it. */
  get stored(): StoredOAuth {
    return { ...this.#stored };
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: OAUTH_CLIENT_NAME,
      redirect_uris: [this.options.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    };
  }

  state(): string {
    // Without a state of its own (a connection), the request it would go into is never sent anywhere.
    return this.options.state ?? crypto.randomUUID();
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    if (!this.#stored.client && !this.options.register) {
      // Registering needs a user at the start of a flow; a connection without one cannot go on.
      throw new McpAuthorizationRequiredError(this.options.serverName ?? "This server");
    }
    return this.#stored.client;
  }

  tokens(): OAuthTokens | undefined {
    return this.#stored.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.#stored = { ...this.#stored, tokens };
    await this.options.save?.(this.stored);
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    await this.options.onAuthorizationRequest(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.#codeVerifier) throw new Error("No PKCE code verifier was saved for this authorization.");
    return this.#codeVerifier;
  }

  /**
   * Forgets what the server refused, in memory only: another connection may have refreshed (and stored)
   * good tokens a moment ago, and persisting the deletion would throw those away.
   */
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "all" || scope === "client") this.#stored = { ...this.#stored, client: undefined };
    if (scope === "all" || scope === "tokens") this.#stored = { ...this.#stored, tokens: undefined };
    if (scope === "all" || scope === "verifier") this.#codeVerifier = undefined;
  }
}

/**
 * The OAuth provider a connection to `spec` uses, when its credential holds tokens for it; undefined
 * otherwise (the server is reached with its plain headers). Refreshed tokens go to `saveFields` as the
 * credential's complete new fields. When the server wants a new authorization (revoked tokens, or a step-up
 * to a wider scope), the scope it asked for is kept for the next one and the connection stops with
 * McpAuthorizationRequiredError.
 * @example const authProvider = connectionOAuthProvider(spec, fields, deps.saveCredentialFields);
 */
export function connectionOAuthProvider(
  spec: McpServerSpec,
  fields: Record<string, string>,
  saveFields: ((fields: Record<string, string>) => Promise<void>) | undefined,
): StoredOAuthProvider | undefined {
  const stored = readStoredOAuth(fields, spec.id);
  if (!stored?.tokens) return undefined;
  let current = fields;
  const persist = async (next: StoredOAuth) => {
    current = withStoredOAuth(current, spec.id, next);
    // A failed write is logged, not thrown: the tokens in memory still serve this connection.
    await saveFields?.(current).catch((error) =>
      console.error("storing the server's OAuth state failed", { serverId: spec.id, error }),
    );
  };
  const registered = stored.client && "redirect_uris" in stored.client ? stored.client.redirect_uris[0] : "";
  return new StoredOAuthProvider({
    // Only sent again when exchanging a code, which a connection never does; the registered one is right.
    redirectUrl: registered || new URL("/api/v1/mcp/oauth/callback", spec.url ?? "http://invalid").href,
    stored,
    register: false,
    serverName: spec.name,
    save: persist,
    onAuthorizationRequest: async (url) => {
      const scope = url.searchParams.get("scope");
      // What is stored, not what this provider dropped from memory on the way here.
      const kept = readStoredOAuth(current, spec.id);
      if (scope && kept && scope !== kept.scope) await persist({ ...kept, scope });
      throw new McpAuthorizationRequiredError(spec.name);
    },
  });
}
