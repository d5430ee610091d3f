/**
 * Runs the MCP conformance suite (`@modelcontextprotocol/conformance`, server mode, active suite) against
 * every internal MCP server (`INTERNAL_SERVERS` of durable-objects/src/mcp/internal/) and writes the result
 * per scenario into docs/mcp-conformance.md under "## Internal servers (in-process in the Durable Object)"
 * (other sections of that file are kept).
 *
 *   npm run conformance:internal
 *
 * Production links these servers to the conversation Durable Object in-process (InMemoryTransport), so
 * they have no HTTP endpoint; the suite only speaks HTTP. The script serves the very same factories over
 * Streamable HTTP on loopback (dev/src/mcp-conformance/serve-over-http.ts) with real dependencies: the
 * SSRF-guarded fetch with private networks denied, and a real PostgreSQL (embedded, migrated) reached the
 * way the Durable Object reaches it, through drizzle over the relay's SQL-over-HTTP endpoint, acting as
 * one freshly created user.
 */
import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { users } from "@switchboard/db";
import { createDatabase } from "@switchboard/db/client";
import { applyMigrations } from "@switchboard/db/migrations";
import { startTestDatabaseServer } from "@switchboard/dev/stack";
import { INTERNAL_SERVERS, outboundFetch } from "@switchboard/durable-objects/mcp";
import { silentLogger, startRelay } from "@switchboard/relay";
import { conformanceVersion } from "../src/mcp-conformance/client-scenarios.ts";
import {
  FIXTURE_SCENARIOS,
  failureLines,
  saveConformanceLog,
  writeConformanceSection,
} from "../src/mcp-conformance/report.ts";
import { type ServedMcpServer, serveOverHttp } from "../src/mcp-conformance/serve-over-http.ts";
import { runServerScenarios, type ServerScenarioResult } from "../src/mcp-conformance/server-scenarios.ts";

const HEADING = "## Internal servers (in-process in the Durable Object)";

/** Scenarios that need a capability; n/a for a server that does not declare it (read from its handshake). */
const NEEDS_CAPABILITY: Record<string, keyof ServerCapabilities> = {
  "logging-set-level": "logging",
  "resources-list": "resources",
  "prompts-list": "prompts",
};

const DNS_REBINDING = "dns-rebinding-protection";
const DNS_REBINDING_NOTE =
  "tests the HTTP front, which only the harness has (it refuses foreign Host/Origin headers, as a " +
  "loopback server must); production links these servers in-process, with no endpoint to rebind to";

interface Target {
  id: string;
  capabilities: ServerCapabilities;
  tools: string[];
  results: ServerScenarioResult[];
}

async function main() {
  const database = await startTestDatabaseServer();
  const databaseUrl = await database.createDatabase("conformance_internal");
  await applyMigrations(databaseUrl);
  const relay = await startRelay({
    databaseUrl,
    relaySecret: `conformance-${randomUUID()}-${randomUUID()}`,
    port: 0,
    log: silentLogger,
  });
  const served: ServedMcpServer[] = [];
  try {
    const db = createDatabase({ databaseUrl, sqlEndpoint: `${relay.url}/sql` });
    const [user] = await db
      .insert(users)
      // No password can match this hash: the user exists only to be acted for.
      .values({
        email: `conformance-${randomUUID()}@example.invalid`,
        name: "Conformance",
        passwordHash: "!",
      })
      .returning({ id: users.id });
    if (!user) throw new Error("could not create the user to act as");
    const deps = { fetch: outboundFetch({ ALLOW_PRIVATE_NETWORKS: "deny" }), userId: user.id, db };

    const targets: Target[] = [];
    for (const [id, factory] of Object.entries(INTERNAL_SERVERS)) {
      const server = await serveOverHttp(() => factory(deps));
      served.push(server);
      const { capabilities, tools } = await handshake(id, server.url);
      console.log(`conformance: ${id} (${tools.join(", ")})`);
      const run = await runServerScenarios(server.url);
      await saveConformanceLog(`internal-${id}`, run.output);
      targets.push({ id, capabilities, tools, results: run.results });
    }
    const section = render(targets, conformanceVersion());
    const written = await writeConformanceSection(HEADING, section);
    for (const line of section.split("\n").filter((l) => l.startsWith("- `"))) console.log(line);
    console.log(`written: ${written}`);
  } finally {
    await Promise.all(served.map((s) => s.close()));
    await relay.close();
    await database.stop();
  }
}

/**
 * Connects once as a plain SDK client: the declared capabilities decide which scenarios apply, and the
 * agents server lists the user's agents, so a database that is not really wired fails here, not silently.
 */
async function handshake(id: string, url: string) {
  const client = new Client({ name: "conformance-harness", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    const capabilities = client.getServerCapabilities() ?? {};
    const { tools } = await client.listTools();
    if (id === "agents") {
      const result = await client.callTool({ name: "list_agents", arguments: {} });
      if (result.isError)
        throw new Error(`agents server cannot read the database: ${JSON.stringify(result)}`);
    }
    return { capabilities, tools: tools.map((t) => t.name) };
  } finally {
    await client.close();
  }
}

/** Why a scenario says nothing about this server, if it does not. */
function notApplicable(target: Target, scenario: string): string | undefined {
  if (scenario === DNS_REBINDING) return DNS_REBINDING_NOTE;
  if (FIXTURE_SCENARIOS[scenario]) return `${FIXTURE_SCENARIOS[scenario]} (suite fixture)`;
  const capability = NEEDS_CAPABILITY[scenario];
  if (capability && !target.capabilities[capability])
    return `the server declares no \`${capability}\` capability`;
  return undefined;
}

const outcome = (r: ServerScenarioResult) =>
  `${r.checksFailed === 0 ? "pass" : "fail"} ${r.checksPassed}/${r.checksPassed + r.checksFailed}` +
  (r.warnings ? `, ${r.warnings} warning(s)` : "");

function render(targets: Target[], version: string): string {
  const scenarios = [...new Set(targets.flatMap((t) => t.results.map((r) => r.scenario)))].sort();
  const cell = (target: Target, scenario: string) => {
    const r = target.results.find((x) => x.scenario === scenario);
    if (!r) return "not run";
    // A fixture scenario can "pass" against an unknown tool (an isError result has text): not a real pass.
    return notApplicable(target, scenario) ? `n/a (${outcome(r)})` : `**${outcome(r)}**`;
  };
  const note = (scenario: string) => {
    const perTarget = targets.map((t) => notApplicable(t, scenario));
    if (perTarget.every((r) => r === undefined)) return "";
    if (perTarget.every((r) => r === perTarget[0])) return perTarget[0] ?? "";
    return targets
      .map((t, i) => (perTarget[i] ? `${t.id}: ${perTarget[i]}` : ""))
      .filter(Boolean)
      .join("; ");
  };
  const summary = targets.map((target) => {
    const applicable = target.results.filter((r) => !notApplicable(target, r.scenario));
    const passing = applicable.filter((r) => r.checksFailed === 0);
    const checks = applicable.reduce((n, r) => n + r.checksPassed, 0);
    const total = applicable.reduce((n, r) => n + r.checksPassed + r.checksFailed, 0);
    const rate = applicable.length ? Math.round((passing.length / applicable.length) * 100) : 0;
    return (
      `- \`${target.id}\` (tools: ${target.tools.map((t) => `\`${t}\``).join(", ")}): ` +
      `**${passing.length}/${applicable.length}** applicable scenarios pass (${rate}%, ${checks}/${total} ` +
      `checks); ${target.results.length - applicable.length} n/a.`
    );
  });
  const failures = targets.flatMap((target) =>
    target.results
      .filter((r) => r.checksFailed > 0 && !notApplicable(target, r.scenario))
      .map(
        (r) =>
          `- \`${target.id}\` ${r.scenario}: ${(r.firstFailure ?? "").replaceAll("\n", " ").slice(0, 300)}`,
      ),
  );
  const tableText = (text: string) => text.replaceAll("|", "\\|");
  return [
    HEADING,
    "",
    `\`npm run conformance:internal\` runs \`@modelcontextprotocol/conformance\` ${version} (server mode, active`,
    `suite) against each internal server: ${targets.map((t) => `\`${t.id}\``).join(", ")}.`,
    "",
    "Production never serves these over HTTP: the conversation Durable Object builds one from its",
    "`INTERNAL_SERVERS` factory per connection and links it to its MCP client in-process with the SDK's",
    "`InMemoryTransport`, so there is no endpoint the suite could reach. Only to test them,",
    "`dev/bin/mcp-conformance-internal.ts` serves the same factories (not copies) over Streamable HTTP on",
    "loopback, stateful, with one server instance per session, and real dependencies: the SSRF-guarded",
    '`outboundFetch({ ALLOW_PRIVATE_NETWORKS: "deny" })`, and a migrated embedded PostgreSQL reached through',
    "drizzle over the relay's SQL-over-HTTP endpoint, as the Durable Object reaches it, acting as one freshly",
    "created user. What the suite judges is therefore the servers' MCP behaviour; the HTTP layer around them",
    "is the SDK's `StreamableHTTPServerTransport` in the harness.",
    "",
    ...summary,
    "",
    "n/a: the scenario calls the suite's own fixtures (tools, resources and prompts such as `test_simple_text`,",
    "`test://static-text` or `test_simple_prompt` that only the suite's reference server has), needs a",
    "capability the server does not declare (read from its `initialize` answer), or tests the HTTP front only",
    "the harness has. A fixture scenario may still report a vacuous pass (an unknown tool answers with an",
    "`isError` text result, which satisfies a check that only looks for text); it is shown in brackets and not",
    "counted. `server-sse-multiple-streams` counts: its three concurrent streams carry real `tools/list`",
    "answers from the server, though the streaming itself is the SDK transport's.",
    "",
    `| Scenario | ${targets.map((t) => `\`${t.id}\``).join(" | ")} | Note |`,
    `| --- | ${targets.map(() => "---").join(" | ")} | --- |`,
    ...scenarios.map(
      (s) => `| ${s} | ${targets.map((t) => cell(t, s)).join(" | ")} | ${tableText(note(s))} |`,
    ),
    "",
    ...failureLines(failures),
    "",
  ].join("\n");
}

await main();
