export { isAuthorizationRequired, McpAuthorizationRequiredError } from "./authorization-required.ts";
export {
  CLIENT_INFO,
  type ConnectDeps,
  connectMcpServer,
  headersFor,
  McpConfigurationError,
} from "./client-factory.ts";
export { McpConnections } from "./connections.ts";
export { openCredentialFields, storeCredentialFields } from "./credential-fields.ts";
export { INTERNAL_SERVERS } from "./internal/index.ts";
export {
  credentialSecrets,
  hasOAuthTokens,
  OAuthField,
  readStoredOAuth,
  type StoredOAuth,
  withStoredOAuth,
} from "./oauth-credential.ts";
export {
  type AuthorizationChallenge,
  type AuthorizationStart,
  beginAuthorization,
  completeAuthorization,
  probeChallenge,
} from "./oauth-flow.ts";
export {
  connectionOAuthProvider,
  OAUTH_CLIENT_NAME,
  StoredOAuthProvider,
  type StoredOAuthProviderOptions,
} from "./oauth-provider.ts";
export { type OutboundEnv, outboundFetch } from "./outbound-fetch.ts";
export { RunToolSession, type ToolSessionEnv } from "./run-tool-session.ts";
export { maskSecrets } from "./secret-masking.ts";
export type { McpServerSpec, ServerToolGrant } from "./server-spec.ts";
export { fetchToolList, storeToolList, toCachedTool } from "./tool-cache.ts";
export { classifyToolError } from "./tool-errors.ts";
export type { RunAuditContext } from "./tool-records.ts";
export * from "./url-policy/index.ts";
