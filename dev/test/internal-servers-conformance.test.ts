import { randomUUID } from "node:crypto";
import type { Database } from "@switchboard/db/client";
import { INTERNAL_SERVERS, outboundFetch } from "@switchboard/durable-objects/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServedMcpServer, serveOverHttp } from "../src/mcp-conformance/serve-over-http.ts";
import { runServerScenarios } from "../src/mcp-conformance/server-scenarios.ts";

// The official MCP conformance suite, server mode, against the internal "web" server: the production
// factory served over loopback HTTP only for the test (production links it in-process).
// `npm run conformance:internal` runs the whole active suite against every internal server, the agents
// server with a real database; these two scenarios guard the basics in CI without one.
const SCENARIOS = ["server-initialize", "tools-list"];

/** The web server never reads the database; any access fails the test loudly. */
const noDatabase = new Proxy(
  {},
  {
    get(_target, property) {
      if (property === "then" || typeof property === "symbol") return undefined;
      throw new Error(`the web server used the database (${String(property)})`);
    },
  },
) as Database;

describe("the internal web server in the MCP conformance suite", () => {
  let served: ServedMcpServer;
  beforeAll(async () => {
    const factory = INTERNAL_SERVERS.web;
    if (!factory) throw new Error("no internal server named web");
    const deps = {
      fetch: outboundFetch({ ALLOW_PRIVATE_NETWORKS: "deny" }),
      userId: randomUUID(),
      db: noDatabase,
    };
    served = await serveOverHttp(() => factory(deps));
  });
  afterAll(() => served?.close());

  it("passes server-initialize and tools-list", async () => {
    const { results, output } = await runServerScenarios(served.url, {
      scenarios: SCENARIOS,
      timeoutMs: 30_000,
    });
    expect(results.map((r) => r.scenario).sort(), output).toEqual(SCENARIOS);
    for (const result of results) {
      expect(result, result.firstFailure).toMatchObject({ checksFailed: 0, warnings: 0 });
      expect(result.checksPassed).toBeGreaterThan(0);
    }
  }, 40_000);
});
