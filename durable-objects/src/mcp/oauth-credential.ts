import {
  OAuthClientInformationFullSchema,
  type OAuthClientInformationMixed,
  OAuthClientInformationSchema,
  type OAuthTokens,
  OAuthTokensSchema,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/**
 * Where a server's OAuth state lives inside its MCP credential's `fields`, so it is sealed in the vault
 * with the rest of the credential and only decrypted when a connection needs it. `oauth.server` binds the
 * state to one server: a credential attached to a second server never hands that server the first one's
 * tokens (an access token is meant for one resource, RFC 8707).
 */
export const OAuthField = {
  server: "oauth.server",
  client: "oauth.client",
  tokens: "oauth.tokens",
  scope: "oauth.scope",
} as const;

/** A server's OAuth state: its registration with the authorization server and the current tokens. */
export interface StoredOAuth {
  client?: OAuthClientInformationMixed | undefined;
  tokens?: OAuthTokens | undefined;
  /**
   * The scope the server asked for when it last refused the tokens (step-up: a 403 `insufficient_scope`
   * names more than was granted). The next authorization asks for it; a successful one clears it.
   */
  scope?: string | undefined;
}

/**
 * The OAuth state stored for `serverId`, or undefined when the fields hold none for that server.
 * @example readStoredOAuth(fields, server.id)?.tokens?.access_token
 */
export function readStoredOAuth(fields: Record<string, string>, serverId: string): StoredOAuth | undefined {
  if (fields[OAuthField.server] !== serverId) return undefined;
  const client = parseClient(fields[OAuthField.client]);
  const tokens = parseJson(fields[OAuthField.tokens], (value) => OAuthTokensSchema.safeParse(value));
  return { client, tokens, scope: fields[OAuthField.scope] || undefined };
}

/** True when the fields hold tokens for this server, i.e. connections should use OAuth. */
export function hasOAuthTokens(fields: Record<string, string>, serverId: string): boolean {
  return readStoredOAuth(fields, serverId)?.tokens !== undefined;
}

/**
 * The fields with the server's OAuth state replaced (any other server's state dropped); other fields,
 * such as custom headers, are kept.
 * @example await saveFields(withStoredOAuth(fields, server.id, { client, tokens }));
 */
export function withStoredOAuth(
  fields: Record<string, string>,
  serverId: string,
  stored: StoredOAuth,
): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith("oauth.")) next[name] = value;
  }
  next[OAuthField.server] = serverId;
  // Stored exactly as the SDK handed them over, `issuer` stamp included: `auth()` compares it on reuse.
  if (stored.client) next[OAuthField.client] = JSON.stringify(stored.client);
  if (stored.tokens) next[OAuthField.tokens] = JSON.stringify(stored.tokens);
  if (stored.scope) next[OAuthField.scope] = stored.scope;
  return next;
}

/**
 * Every secret value the fields hold, for masking: each field's value, and the token strings and client
 * secret inside the OAuth JSON (a tool that echoes its bearer token must not show it to the model).
 */
export function credentialSecrets(fields: Record<string, string>): string[] {
  const secrets = Object.entries(fields)
    .filter(([name]) => name !== OAuthField.server && name !== OAuthField.scope)
    .map(([, value]) => value);
  const serverId = fields[OAuthField.server];
  const stored = serverId ? readStoredOAuth(fields, serverId) : undefined;
  for (const value of [
    stored?.tokens?.access_token,
    stored?.tokens?.refresh_token,
    stored?.tokens?.id_token,
    stored?.client?.client_secret,
  ]) {
    if (value) secrets.push(value);
  }
  return secrets;
}

function parseClient(text: string | undefined): OAuthClientInformationMixed | undefined {
  // The full registration (with redirect_uris) when it parses as one, else the bare pre-registered form.
  return (
    parseJson(text, (value) => OAuthClientInformationFullSchema.safeParse(value)) ??
    parseJson(text, (value) => OAuthClientInformationSchema.safeParse(value))
  );
}

function parseJson<T>(
  text: string | undefined,
  parse: (value: unknown) => { success: true; data: T } | { success: false },
): T | undefined {
  if (!text) return undefined;
  try {
    const result = parse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
