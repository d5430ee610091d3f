import type { CachedTool } from "@switchboard/db";
import type { McpTransport } from "@switchboard/protocol";

/**
 * One MCP server as a run sees it: where it is and how to reach it, never a decrypted secret. The
 * credential stays a Fernet token until the first call that needs it (see credential-opener.ts).
 */
export interface McpServerSpec {
  id: string;
  name: string;
  transport: McpTransport;
  /** Remote servers (custom URL, GitHub). */
  url: string | null;
  /** Catalog entry, for internal, workspace-host and stdio servers. */
  catalogId: string | null;
  credentialId: string | null;
  /** Whose directory a workspace-host server works in: `team:<id>` or `user:<id>`. */
  ownerKey: string;
}

/** What an agent may use of one server, with the cached tool list the run builds tools from. */
export interface ServerToolGrant {
  server: McpServerSpec;
  /** Allowed tool names; every tool of the server when absent. */
  names?: string[] | undefined;
  /** The server's cached `tools/list`, or null when never listed (fetched at the first use). */
  cachedTools: CachedTool[] | null;
}
