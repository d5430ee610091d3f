/**
 * Runs the MCP conformance suite (`@modelcontextprotocol/conformance`, server mode) against the workspace
 * host's two kinds of endpoint, and writes the result per scenario into docs/mcp-conformance.md under
 * "## Workspace host" (other sections of that file are kept).
 *
 *   tsx workspace-host/scripts/conformance.ts        (or: npm run conformance -w workspace-host)
 *
 * The suite's CLI takes only `--url`: it cannot send an Authorization header. Rather than give the host an
 * auth-off switch, the script puts a loopback proxy in front of it that adds a freshly sealed bridge token
 * to every request, so the suite exercises the real Origin and bearer checks too.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import {
  conformanceVersion,
  FIXTURE_SCENARIOS,
  failureLines,
  runServerScenarios,
  type ServerScenarioResult,
  saveConformanceLog,
  writeConformanceSection,
} from "@switchboard/dev/mcp-conformance";
import { type BridgeClaims, sealBridgeToken } from "@switchboard/protocol";
import { silentLogger, startWorkspaceHost } from "../src/index.ts";

const HEADING = "## Workspace host";
const SECRET = `conformance-${randomUUID()}-${randomUUID()}`;

/** Scenarios whose premise does not hold for this host, with the reason. */
const WORKSPACE_NOT_OFFERED: Record<string, string> = {
  "logging-set-level": "the workspace server declares no `logging` capability",
  "resources-list": "the workspace server declares no `resources` capability",
  "prompts-list": "the workspace server declares no `prompts` capability",
};
const DNS_REBINDING_NOTE =
  "meant for unauthenticated localhost servers. The foreign Host/Origin is rejected (pass); the 'valid' request's " +
  "`Origin: http://localhost:<port>` is refused too (403), because only origins in `WORKSPACE_HOST_ALLOWED_ORIGINS` are accepted";

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "workspace-host-conformance-"));
  const host = await startWorkspaceHost({
    port: 0,
    secret: SECRET,
    dataDir,
    log: silentLogger,
    // Every scenario opens sessions it never DELETEs, all for one owner: lift the cap, reap sooner.
    maxSessionsPerOwner: 1000,
    idleMs: 30_000,
  });
  const owner: Omit<BridgeClaims, "cat"> = {
    sub: randomUUID(),
    srv: randomUUID(),
    own: `team:${randomUUID()}`,
    env: {},
  };
  const proxy = await startAuthProxy(host.url, owner);

  try {
    const targets = [
      { label: "/mcp/workspace", path: "/mcp/workspace" },
      { label: "/mcp/stdio/everything", path: "/mcp/stdio/everything" },
    ];
    const results: Record<string, ServerScenarioResult[]> = {};
    for (const target of targets) {
      console.log(`conformance: ${target.label}`);
      results[target.label] = await runSuite(`${proxy.url}${target.path}`);
    }
    const section = render(
      results,
      targets.map((t) => t.label),
      conformanceVersion(),
    );
    const written = await writeConformanceSection(HEADING, section);
    for (const line of section.split("\n").filter((l) => l.startsWith("- `"))) console.log(line);
    console.log(`written: ${written}`);
  } finally {
    await proxy.close();
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A loopback proxy that adds a bridge token for the endpoint's catalog entry to every request. */
async function startAuthProxy(upstream: string, owner: Omit<BridgeClaims, "cat">) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        fetch: async (request) => {
          const url = new URL(request.url);
          const cat =
            url.pathname === "/mcp/workspace"
              ? "workspace"
              : decodeURIComponent(url.pathname.split("/")[3] ?? "");
          const headers = new Headers(request.headers);
          headers.delete("host");
          headers.set("authorization", `Bearer ${await sealBridgeToken(SECRET, { ...owner, cat })}`);
          const init: RequestInit & { duplex: "half" } = {
            method: request.method,
            headers,
            body: request.body,
            duplex: "half",
            redirect: "manual",
            signal: request.signal,
          };
          const response = await fetch(new URL(url.pathname + url.search, upstream), init).catch(
            (error: unknown) => {
              // The suite hung up (closed a stream); nobody is left to answer.
              if (request.signal.aborted) return new Response(null, { status: 499 });
              throw error;
            },
          );
          const out = new Headers(response.headers);
          for (const hop of ["connection", "keep-alive", "transfer-encoding", "content-length"])
            out.delete(hop);
          return new Response(quietBody(response.body), { status: response.status, headers: out });
        },
      },
      () => resolve(s),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

/** The upstream body, ended quietly when the upstream stream is aborted (the suite closed its side). */
function quietBody(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> | null {
  if (!body) return null;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The whole active suite against `url` in one run; its console output is kept for a failure's details. */
async function runSuite(url: string): Promise<ServerScenarioResult[]> {
  const run = await runServerScenarios(url, { timeoutMs: 15 * 60_000 });
  await saveConformanceLog(new URL(url).pathname.replaceAll("/", "_"), run.output);
  return run.results;
}

/** Why a scenario says nothing about this target, if it does not. */
function notApplicable(target: string, scenario: string): string | undefined {
  if (FIXTURE_SCENARIOS[scenario]) return `${FIXTURE_SCENARIOS[scenario]} (suite fixture)`;
  if (target === "/mcp/workspace" && WORKSPACE_NOT_OFFERED[scenario]) return WORKSPACE_NOT_OFFERED[scenario];
  return undefined;
}

const DNS_REBINDING = "dns-rebinding-protection";

function render(results: Record<string, ServerScenarioResult[]>, targets: string[], version: string): string {
  const scenarios = [
    ...new Set(Object.values(results).flatMap((list) => list.map((r) => r.scenario))),
  ].sort();
  const outcome = (r: ServerScenarioResult) =>
    `${r.checksFailed === 0 ? "pass" : "fail"} ${r.checksPassed}/${r.checksPassed + r.checksFailed}`;
  const cell = (target: string, scenario: string) => {
    const r = results[target]?.find((x) => x.scenario === scenario);
    if (!r) return "not run";
    if (scenario === DNS_REBINDING) return `by design (${outcome(r)})`;
    // A fixture scenario can "pass" against an unknown tool (an isError result has text): not a real pass.
    return notApplicable(target, scenario) ? `n/a (${outcome(r)})` : `**${outcome(r)}**`;
  };
  const note = (scenario: string) => {
    if (scenario === DNS_REBINDING) return DNS_REBINDING_NOTE;
    const reasons = new Set(targets.map((t) => notApplicable(t, scenario)).filter(Boolean));
    if (reasons.size === 0) return "";
    const perTarget = targets.map((t) => notApplicable(t, scenario));
    return perTarget.every((r) => r === perTarget[0])
      ? [...reasons].join("; ")
      : `workspace: ${perTarget[0]}`;
  };
  const summary = targets.map((target) => {
    const list = (results[target] ?? []).filter((r) => r.scenario !== DNS_REBINDING);
    const applicable = list.filter((r) => !notApplicable(target, r.scenario));
    const passing = applicable.filter((r) => r.checksFailed === 0);
    const checks = applicable.reduce((n, r) => n + r.checksPassed, 0);
    const total = applicable.reduce((n, r) => n + r.checksPassed + r.checksFailed, 0);
    return `- \`${target}\`: **${passing.length}/${applicable.length}** applicable scenarios pass (${checks}/${total} checks); ${list.length - applicable.length} n/a; dns-rebinding-protection by design.`;
  });
  const failures = targets.flatMap((target) =>
    (results[target] ?? [])
      .filter((r) => r.checksFailed > 0 && r.scenario !== DNS_REBINDING && !notApplicable(target, r.scenario))
      .map(
        (r) => `- \`${target}\` ${r.scenario}: ${(r.firstFailure ?? "").replaceAll("\n", " ").slice(0, 300)}`,
      ),
  );
  return [
    HEADING,
    "",
    `\`npm run conformance -w workspace-host\` runs \`@modelcontextprotocol/conformance\` ${version} (server mode,`,
    "active suite) against an in-process host: `/mcp/workspace` (the workspace server) and",
    "`/mcp/stdio/everything` (the stdio bridge with `@modelcontextprotocol/server-everything` behind it).",
    "The suite's CLI cannot send an `Authorization` header, so the script puts a loopback proxy in front of the",
    "host that adds a freshly sealed bridge token to every request; the host runs with its normal Origin and",
    "bearer checks (it has no auth-off switch).",
    "",
    ...summary,
    "",
    "n/a: the scenario calls the suite's own fixtures (tools, resources and prompts such as `test_simple_text`,",
    "`test://static-text` or `test_simple_prompt` that only the suite's reference server has), or needs a",
    "capability the server does not declare. Such a scenario may still report a vacuous pass (an unknown tool",
    "answers with an `isError` text result, which satisfies a check that only looks for text); it is shown",
    "in brackets and not counted.",
    "",
    `| Scenario | ${targets.map((t) => `\`${t}\``).join(" | ")} | Note |`,
    `| --- | ${targets.map(() => "---").join(" | ")} | --- |`,
    ...scenarios.map((s) => `| ${s} | ${targets.map((t) => cell(t, s)).join(" | ")} | ${note(s)} |`),
    "",
    ...failureLines(failures),
    "",
  ].join("\n");
}

await main();
