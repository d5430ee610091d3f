import type { ApiKeyScope } from "./permissions.ts";

/** Who is calling: a user, through a session (JWT) or one of their API keys. */
export interface Principal {
  userId: string;
  via: "session" | "api_key";
  /** Scopes of the API key; a session may do whatever the user's roles allow. */
  scopes: readonly ApiKeyScope[];
  apiKeyId?: string;
}
