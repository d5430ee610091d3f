import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { mcpServers } from "./mcp.ts";
import { users } from "./users.ts";

/**
 * OAuth authorizations of remote MCP servers that a user started and the browser has not yet brought
 * back: one row per `state`, deleted by the callback that uses it (single use) and worthless after ten
 * minutes. Nothing here works alone: the code arrives only in the callback, and the row holds digests and
 * a sealed blob, never a usable secret.
 */
export const mcpOAuthStates = pgTable(
  "mcp_oauth_states",
  {
    /** SHA-256 of the random `state` sent to the authorization server; the state itself is not kept. */
    stateHash: text("state_hash").primaryKey(),
    /** The verified user who started it: the tokens are stored as theirs. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    serverId: uuid("server_id")
      .notNull()
      .references(() => mcpServers.id, { onDelete: "cascade" }),
    /** SHA-256 of the browser-binding cookie set by the start request (only that browser may finish). */
    bindingHash: text("binding_hash").notNull(),
    /** The callback URL sent to the server; the code exchange must repeat it exactly. */
    redirectUri: text("redirect_uri").notNull(),
    /**
     * A Fernet token (the credential vault) of the PKCE code verifier, the client registration and the
     * metadata URL. Sealed rather than plain: with the verifier, an intercepted code would be redeemable.
     */
    flowCiphertext: text("flow_ciphertext").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mcp_oauth_states_created_idx").on(t.createdAt)],
);
