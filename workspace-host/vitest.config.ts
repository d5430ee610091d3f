import { defineConfig } from "vitest/config";

// Node tests against the real host, the real MCP SDK client and the real npm stdio servers (spawned).
export default defineConfig({
  test: {
    name: "workspace-host",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
