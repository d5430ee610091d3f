import { describe, expect, it } from "vitest";
import { runClientScenario } from "../src/mcp-conformance/client-scenarios.ts";

// The official MCP conformance suite, client mode, against the platform's own client code
// (dev/bin/mcp-conformance-client.ts): the suite starts its test server, runs the client and judges it.
// `npm run conformance:client` runs every scenario; these two guard the basics in CI.
describe("the platform's MCP client in the MCP conformance suite", () => {
  it.concurrent.each(["initialize", "tools_call"])(
    "passes %s",
    async (scenario) => {
      // Generous: the client loads the platform's MCP module under tsx, seconds on a busy machine.
      const result = await runClientScenario(scenario, { timeoutMs: 45_000 });
      expect(result, result.firstProblem).toMatchObject({ passed: true, checksFailed: 0, warnings: 0 });
      expect(result.checksPassed).toBeGreaterThan(0);
    },
    75_000,
  );
});
