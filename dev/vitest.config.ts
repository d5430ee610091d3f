import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Node-side tests of the dev tooling (the scripted model server, the local stack).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
