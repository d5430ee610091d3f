/**
 * Runs every client scenario of the MCP conformance suite (`@modelcontextprotocol/conformance`, client
 * mode) against the platform's MCP client (dev/bin/mcp-conformance-client.ts) and writes the outcome per
 * scenario, with the pass rate, into docs/mcp-conformance.md under "## Platform MCP client (client mode)".
 * Other sections of that file (the workspace host's) are kept as they are.
 *
 *   npm run conformance:client
 */
import {
  conformanceVersion,
  listClientScenarios,
  runClientScenario,
  type ScenarioResult,
} from "../src/mcp-conformance/client-scenarios.ts";
import { writeConformanceSection } from "../src/mcp-conformance/report.ts";

const HEADING = "## Platform MCP client (client mode)";
/** Scenarios run two at a time (each starts its own servers on ephemeral ports); more starve small machines. */
const PARALLEL = 2;
/** Per client run: loading the platform's MCP module under tsx alone takes seconds on a busy machine. */
const CLIENT_TIMEOUT_MS = 60_000;

/** Scenarios whose premise the platform does not share, and why. They still run; they do not count. */
const NOT_APPLICABLE: Record<string, string> = {
  "elicitation-sep1034-client-defaults":
    "the platform's client declares no `elicitation` capability: agents run unattended, so there is nobody " +
    "to answer a server's form",
  "auth/client-credentials-jwt":
    "machine-to-machine `client_credentials` grant (with `private_key_jwt`), an extension: the platform " +
    "connects servers on behalf of a user with the authorization-code flow and has no client credential to " +
    "configure per server",
  "auth/client-credentials-basic":
    "machine-to-machine `client_credentials` grant (with `client_secret_basic`), an extension: as above",
  "auth/cross-app-access-complete-flow":
    "enterprise cross-app access (SEP-990, an extension) exchanges an identity provider's ID token for the " +
    "user; the platform signs users in itself and holds no such token",
};

/** Scenarios that deserve a word in the report. */
const NOTES: Record<string, string> = {
  "auth/pre-registration":
    "with the client the suite hands over: `beginAuthorization` and the OAuth provider take a pre-registered " +
    "client, but the API has no field to enter one yet (it registers dynamically)",
  "auth/basic-cimd":
    "the platform registers with dynamic client registration; it publishes no client ID metadata document " +
    "(SEP-991), so the suite warns that a URL-based client id SHOULD be used",
};

async function main() {
  const scenarios = await listClientScenarios();
  if (scenarios.length === 0) throw new Error("the suite listed no client scenarios");
  console.log(`conformance ${conformanceVersion()}: ${scenarios.length} client scenarios`);
  const results = new Map<string, ScenarioResult>();
  const queue = [...scenarios];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
        const result = await runClientScenario(scenario, { timeoutMs: CLIENT_TIMEOUT_MS });
        results.set(scenario, result);
        console.log(`${result.passed ? "pass" : "FAIL"}  ${scenario}  ${counts(result)}`);
      }
    }),
  );
  const ordered = scenarios.flatMap((scenario) => results.get(scenario) ?? []);
  const written = await writeConformanceSection(HEADING, render(ordered));
  const applicable = ordered.filter((r) => !NOT_APPLICABLE[r.scenario]);
  console.log(
    `${applicable.filter((r) => r.passed).length}/${applicable.length} applicable scenarios pass; written: ${written}`,
  );
}

function counts(result: ScenarioResult): string {
  const total = result.checksPassed + result.checksFailed;
  return `${result.checksPassed}/${total} checks${result.warnings ? `, ${result.warnings} warning(s)` : ""}`;
}

function render(results: ScenarioResult[]): string {
  const applicable = results.filter((r) => !NOT_APPLICABLE[r.scenario]);
  const passing = applicable.filter((r) => r.passed).length;
  const rate = applicable.length ? Math.round((passing / applicable.length) * 100) : 0;
  const row = (r: ScenarioResult) => {
    const verdict = NOT_APPLICABLE[r.scenario]
      ? `n/a (${r.passed ? "pass" : "fail"})`
      : r.passed
        ? "pass"
        : "**fail**";
    const note =
      NOT_APPLICABLE[r.scenario] ??
      NOTES[r.scenario] ??
      (r.passed ? "" : (r.firstProblem ?? "").replaceAll("\n", " ").replaceAll("|", "\\|").slice(0, 200));
    return `| ${r.scenario} | ${verdict} | ${counts(r)} | ${note} |`;
  };
  const failing = applicable.filter((r) => !r.passed);
  return [
    HEADING,
    "",
    `\`npm run conformance:client\` runs every client scenario of \`@modelcontextprotocol/conformance\` ${conformanceVersion()}`,
    "against `dev/bin/mcp-conformance-client.ts`: the platform's own MCP client code, under Node.",
    "It connects with `connectMcpServer` through the SSRF-guarded fetch (loopback allowed, as in a",
    "self-hosted deployment) and, when a server wants OAuth, takes the API's steps: `beginAuthorization` as",
    "`POST /mcp/servers/{id}/oauth/start` does, the browser (which, like the suite's example client, follows",
    "the authorization URL and reads the code from the redirect), `completeAuthorization` as the callback",
    "does, then a new connection whose OAuth provider sends and refreshes the tokens. The credential is kept",
    "in memory instead of the vault. A scenario passes when the suite reports no failed check, no warning",
    "and a clean client exit.",
    "",
    `- **${passing}/${applicable.length} applicable scenarios pass (${rate}%)**; ${results.length} run in all, ` +
      `${results.length - applicable.length} not applicable.`,
    "",
    "| Scenario | Result | Checks | Note |",
    "| --- | --- | --- | --- |",
    ...results.map(row),
    "",
    failing.length
      ? `Failing applicable scenarios: ${failing.map((r) => r.scenario).join(", ")}.`
      : "No applicable scenario fails.",
    "",
    "Not applicable:",
    "",
    ...Object.entries(NOT_APPLICABLE).map(([scenario, why]) => `- \`${scenario}\`: ${why}.`),
    "",
    "Fixed in the platform while adding this: a server that asks for a wider scope mid-session",
    "(403 `insufficient_scope`, `auth/scope-step-up`) made the connection stop with “connect this server",
    "with OAuth first”, and the next authorization asked for the old scope again, for ever. The connection",
    "now keeps the scope the server asked for with the server's OAuth state, and the next authorization",
    "requests it.",
    "",
  ].join("\n");
}

await main();
