import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Worker and Durable Object tests run inside workerd, against the real worker (../wrangler.toml), a real
// PostgreSQL, the real relay and the scripted model server, which the global setup starts in Node.
/**
 * Modules reach workerd over a WebSocket whose messages are capped at 1 MiB, and a dependency's inline
 * source map can take one over it (the MCP client chunk the Agents SDK imports is 310 kB of code and
 * 1 MB with its map). Test stack traces only need maps for our own code.
 */
const dropDependencySourceMaps = {
  name: "drop-dependency-source-maps",
  enforce: "post" as const,
  transform(code: string, id: string) {
    return id.includes("/node_modules/") ? { code, map: { mappings: "" } } : undefined;
  },
};

export default defineConfig({
  plugins: [
    dropDependencySourceMaps,
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: here("../wrangler.toml") },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          SQL_ENDPOINT: `${inject("relayUrl")}/sql`,
          RELAY_URL: inject("relayUrl"),
          RELAY_SECRET: inject("relaySecret"),
          DEMO_MODEL_URL: inject("modelServerUrl"),
          MODEL_SERVER_URL: inject("modelServerUrl"),
          WORKSPACE_HOST_URL: inject("workspaceHostUrl"),
          WORKSPACE_HOST_SECRET: inject("workspaceHostSecret"),
          REDIRECT_SERVER_URL: inject("redirectServerUrl"),
          // MCP URLs are checked as in a self-hosted deployment: loopback test servers allowed, names
          // resolved by the relay's DNS-over-HTTPS endpoint (never a public resolver).
          ALLOW_PRIVATE_NETWORKS: "loopback",
          DNS_RESOLVER_URL: `${inject("relayUrl")}/dns-query`,
          EVERYTHING_HTTP_URL: inject("everythingHttpUrl"),
          EVERYTHING_SSE_URL: inject("everythingSseUrl"),
          LIST_CHANGING_URL: inject("listChangingUrl"),
          OAUTH_MCP_URL: inject("oauthMcpUrl"),
          JWT_SECRET: "test-jwt-secret-test-jwt-secret-0123456789abcdef",
          // A fixed Fernet key (the spec's test-vector key); production keys come from `wrangler secret`.
          CREDENTIALS_KEYS: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
        },
      },
    })),
  ],
  test: {
    root: here("."),
    globalSetup: [
      here("./test/global-setup.ts"),
      here("./test/support/everything-servers.ts"),
      here("./test/support/oauth-mcp-setup.ts"),
    ],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
