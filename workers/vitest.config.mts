import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Worker and Durable Object tests run inside workerd, against the real worker (../wrangler.toml), a real
// PostgreSQL, the real relay and the scripted model server, which the global setup starts in Node.
export default defineConfig({
  plugins: [
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
          JWT_SECRET: "test-jwt-secret-test-jwt-secret-0123456789abcdef",
          // A fixed Fernet key (the spec's test-vector key); production keys come from `wrangler secret`.
          CREDENTIALS_KEYS: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
        },
      },
    })),
  ],
  test: {
    root: here("."),
    globalSetup: [here("./test/global-setup.ts")],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
