import type { McpBenchResults } from "./results.ts";
import { FLAT_TIME_MS, isFlat, OVERHEAD_TARGET_MS } from "./verdicts.ts";

const ms = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? "–" : `${value} ms`;
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString("en")} KB`;
const within = (value: number | null | undefined, limit: number) =>
  value !== null && value !== undefined && value < limit ? "within" : "over";

/** What the figures say, written from them: the same sentences with the run's own numbers. */
export function meaningSection(r: McpBenchResults): string {
  const o = r.node.overhead;
  const c = r.stack.toolCalls;
  const l = r.stack.toolList;
  const s = r.node.startup;
  const st = r.stack.startup;
  const e2e =
    c.platformWarm.p50 === null ? null : Math.round((c.platformWarm.p50 - c.directWarm.p50Ms) * 1000) / 1000;
  const all = s.pairs.find((p) => p.grant === "all tools");
  const eager50 = s.eager.find((e) => e.servers === 50);
  const added = (grant: string) => st.differences.find((d) => d.grant === grant);
  const smallAdded = added("one-tool server");
  const oneAdded = added("one tool");
  const allAdded = added("all tools");
  const perTool = all
    ? {
        us:
          Math.round(
            ((all.fifty.buildMs.p50Ms - all.five.buildMs.p50Ms) / (all.fifty.tools - all.five.tools)) *
              10_000,
          ) / 10,
        bytes: Math.round((all.fifty.heapBytes - all.five.heapBytes) / (all.fifty.tools - all.five.tools)),
      }
    : undefined;
  const flatWord = (value: number | null | undefined) => (isFlat(value, FLAT_TIME_MS) ? "flat" : "not flat");
  const listBytesExplain =
    (oneAdded?.toModelRequest.p50 ?? 0) - (smallAdded?.toModelRequest.p50 ?? 0) >= FLAT_TIME_MS
      ? ` What this case shares with the all-tools case, and the one-tool servers do not, is the size of the
cached lists: the worker reads each granted server's entire cached list (${all ? kb(all.fifty.cachedListBytes) : "–"} for 50
server-everything instances, against a few KB for 50 one-tool servers) and sends it to the Durable Object in the
run's configuration, which applies \`names\` only when it builds the tools (\`resolveRunGrants\` in
workers/src/mcp/tool-grants.ts, \`buildRunTools\` in durable-objects/src/mcp/run-tools.ts). Cutting each list down
to the granted names before it is sent should bring this case down to the one-tool servers' cost; that change is
not measured here.`
      : "";

  const calls = `**Tool calls.** The platform's own work per call — grant check, argument masking, the guarded fetch
(which checks the URL and reads each request body once so it could re-send it on a redirect), scrubbing and
truncating the result, two events and a record — costs ${ms(o.toolCall.overhead.p50Ms)} at the median over the
bare SDK client on the same server (Node, alternating pairs), ${within(o.toolCall.overhead.p50Ms, OVERHEAD_TARGET_MS)}
the ${OVERHEAD_TARGET_MS} ms target. Inside workerd a call on the run's open connection is recorded at
${ms(c.platformWarm.p50)} at the median against ${ms(c.directWarm.p50Ms)} for the SDK client directly in the same
minutes: ${ms(e2e)}, ${within(e2e, OVERHEAD_TARGET_MS)} the target, with the recorded figure in whole milliseconds.
The p99s (${ms(c.platformWarm.p99)} and ${ms(c.directWarm.p99Ms)}) are mostly the shared machine's: in the paired
Node comparison the p99 of the differences is ${ms(o.toolCall.overhead.p99Ms)}. A run's first call also connects
and initializes: ${ms(c.platformFirst.p50)} against ${ms(c.directFirst.p50Ms)} for the SDK doing the same (and
closing). The model waits ${ms(c.toolRound.p50)} per tool round at the median: the call plus the Agents SDK's
handling of the reply and the next request to the model stand-in.`;

  const lists = `**Tool lists.** In the platform's code, listing on an open connection differs from the SDK client by
${ms(o.toolList.overhead.p50Ms)} at the median (negative: the platform is faster — its client validates with
\`@cfworker/json-schema\`, which prepares nothing at list time, while the SDK's default, Ajv, compiles every tool's
output schema on each \`listTools()\`). Through the API the cached list is an HTTP request through \`wrangler dev\`'s
proxy with authentication and a database read: ${ms(l.cached.platform.p50Ms)} against ${ms(l.cached.direct.p50Ms)}
for \`listTools()\` on a session that is already open. Any authenticated request costs ${ms(l.apiFloor.me.p50Ms)}
on this machine, and the list adds ${ms(l.apiFloor.listAboveFloor.p50Ms)} to that${
    l.apiFloor.me.p50Ms >= OVERHEAD_TARGET_MS
      ? `, so this comparison — a REST round trip against a call on an open connection — cannot meet a
${OVERHEAD_TARGET_MS} ms target while the API floor alone is above it`
      : ""
  }. No run uses this path: a run reads the cached list from its configuration (section 3). With
\`?refresh=true\` the worker also connects, initializes, stores the list and closes:
${ms(l.refresh.platform.p50Ms)} against ${ms(l.refresh.direct.p50Ms)} for the SDK's connect + list + close.`;

  const startup = `**Start-up.** Lazy loading holds: building an agent's tools for 5 or 50 servers opened no connection
(the MCP servers saw ${s.serverSessionsOpened} sessions in Node and ${st.serverSessionsOpened} through the stack while runs
started) and touched no database. Through the stack, 50 granted servers of **one tool each** (cached lists of a
few hundred bytes) made the model request leave ${ms(smallAdded?.toModelRequest.p50)} later than 5 did and the first
token come ${ms(smallAdded?.toFirstToken.p50)} later (medians of same-round differences): ${flatWord(smallAdded?.toModelRequest.p50)} —
this is the cost of a granted server as such. Granting only \`echo\` of 50 server-everything instances — the same 50
tools for the model — added ${ms(oneAdded?.toModelRequest.p50)} to the model request and
${ms(oneAdded?.toStarted.p50)} already to \`run.started\`, which the Durable Object emits before it builds any
tool.${listBytesExplain} Granting **all ${all ? all.fifty.tools / 50 : "–"} tools** of each (${all?.fifty.tools ?? "–"} tools,
all their schemas in every model request) added ${ms(allAdded?.toModelRequest.p50)} to the model request and
${ms(allAdded?.toFirstToken.p50)} to the first token; in Node, building them took ${ms(all?.difference.p50Ms)} longer and
kept ${all ? kb(all.fifty.heapBytes - all.five.heapBytes) : "–"} more heap per run${
    perTool ? ` (about ${perTool.us} µs and ${perTool.bytes.toLocaleString("en")} bytes per tool)` : ""
  }. Part of that is the model stand-in's, which parses the larger request before it logs it. This growth is the
price of offering the model ten times as many tools, which a grant's \`names\` exist to limit; it is not the cost of
servers: connecting the 50 servers eagerly instead would take ${ms(eager50?.connectMs.p50Ms)} and keep
${eager50 ? kb(eager50.heapBytes) : "–"} of open clients before the first token.`;

  return `## What the numbers mean\n\n${[calls, lists, startup].join("\n\n")}`;
}
