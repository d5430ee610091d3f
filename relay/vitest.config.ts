import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "relay",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
