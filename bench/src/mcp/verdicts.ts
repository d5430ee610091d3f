import type { TargetCheck } from "../targets.ts";
import type { McpBenchResults } from "./results.ts";

/** The overhead target: the platform may add less than this to a call or a list, at the median. */
export const OVERHEAD_TARGET_MS = 5;

/**
 * "Flat" from 5 to 50 servers: the 50-server run costs less than a fixed margin more than the 5-server
 * run — 5 ms of time, judged on the median of same-round differences (each 50-server run against the
 * 5-server run next to it), and 1 MB of retained heap (under 1% of a Durable Object's 128 MB). A margin,
 * not a ratio: what a user waits for is the added time, and a ratio would fail a 0.05 → 0.4 ms change no
 * one can notice while passing a 15 ms one on a 70 ms base.
 */
export const FLAT_TIME_MS = 5;
export const FLAT_HEAP_BYTES = 1024 * 1024;

export function isFlat(added: number | null | undefined, margin: number): boolean {
  return added !== null && added !== undefined && Number.isFinite(added) && added < margin;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${v} ms`);
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL") as TargetCheck["verdict"];

/** Judges the two targets against the figures; nothing is tuned here, only compared. */
export function checkMcpTargets(r: McpBenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const void_ = r.workerReloaded ? " (void: workerd restarted during the stack part)" : "";
  const overhead = (target: string, diff: number | null, detail: string, inStack: boolean) =>
    checks.push({
      target,
      measured: `overhead p50 ${ms(diff)} (${detail})${inStack ? void_ : ""}`,
      verdict: verdict(diff !== null && diff < OVERHEAD_TARGET_MS && !(inStack && r.workerReloaded)),
    });

  const n = r.node.overhead;
  overhead(
    "Tool call overhead < 5 ms p50 — platform invokeTool in Node vs SDK callTool",
    n.toolCall.overhead.p50Ms,
    `platform p50 ${n.toolCall.platform.p50Ms} / p99 ${n.toolCall.platform.p99Ms} ms, direct p50 ${n.toolCall.direct.p50Ms} / p99 ${n.toolCall.direct.p99Ms} ms`,
    false,
  );
  const c = r.stack.toolCalls;
  const e2eDiff =
    c.platformWarm.p50 === null ? null : Math.round((c.platformWarm.p50 - c.directWarm.p50Ms) * 1000) / 1000;
  overhead(
    "Tool call overhead < 5 ms p50 — inside workerd (recorded durationMs) vs SDK callTool",
    e2eDiff,
    `platform p50 ${ms(c.platformWarm.p50)} / p99 ${ms(c.platformWarm.p99)}, direct p50 ${c.directWarm.p50Ms} / p99 ${c.directWarm.p99Ms} ms; ${c.errors} errors`,
    true,
  );
  overhead(
    "Tool list overhead < 5 ms p50 — platform fetchToolList in Node vs SDK listTools, open session",
    n.toolList.overhead.p50Ms,
    `platform p50 ${n.toolList.platform.p50Ms} ms, direct p50 ${n.toolList.direct.p50Ms} ms`,
    false,
  );
  const l = r.stack.toolList;
  overhead(
    "Tool list overhead < 5 ms p50 — GET /mcp/servers/:id/tools (cached) vs SDK listTools, open session",
    l.cached.overhead.p50Ms,
    `API p50 ${l.cached.platform.p50Ms} / p99 ${l.cached.platform.p99Ms} ms, direct p50 ${l.cached.direct.p50Ms} / p99 ${l.cached.direct.p99Ms} ms; ` +
      `any authenticated request (GET /me) p50 ${l.apiFloor.me.p50Ms} ms, the list ${l.apiFloor.listAboveFloor.p50Ms} ms above it`,
    true,
  );
  overhead(
    "Tool list overhead < 5 ms p50 — GET …/tools?refresh=true vs SDK connect + list + close",
    l.refresh.overhead.p50Ms,
    `API p50 ${l.refresh.platform.p50Ms} / p99 ${l.refresh.platform.p99Ms} ms, direct p50 ${l.refresh.direct.p50Ms} / p99 ${l.refresh.direct.p99Ms} ms`,
    true,
  );

  const s = r.node.startup;
  const sessionsOk = s.serverSessionsOpened === 0 && r.stack.startup.serverSessionsOpened === 0;
  const openOk = s.pairs.every((p) => p.five.openConnections === 0 && p.fifty.openConnections === 0);
  checks.push({
    target: "No connection before any tool is used (5 and 50 servers)",
    measured:
      `open connections after building tools: ${openOk ? 0 : "> 0"}; sessions the MCP servers saw during ` +
      `start-up — in Node ${s.serverSessionsOpened}, through the stack ${r.stack.startup.serverSessionsOpened}; ` +
      `database accesses ${s.databaseAccesses}`,
    verdict: verdict(sessionsOk && openOk && s.databaseAccesses === 0),
  });
  for (const pair of s.pairs) {
    const five = pair.five.buildMs.p50Ms;
    const fifty = pair.fifty.buildMs.p50Ms;
    checks.push({
      target: `Start-up time flat, 5 → 50 servers, ${pair.grant} (${pair.five.tools} → ${pair.fifty.tools} tools) — RunToolSession.tools() in Node`,
      measured: `added p50 ${ms(pair.difference.p50Ms)} (p50 ${five} → ${fifty} ms)`,
      verdict: verdict(isFlat(pair.difference.p50Ms, FLAT_TIME_MS)),
    });
    const added = pair.fifty.heapBytes - pair.five.heapBytes;
    checks.push({
      target: `Start-up memory flat, 5 → 50 servers, ${pair.grant} — heap retained per run in Node`,
      measured: `added ${kb(added)} (${kb(pair.five.heapBytes)} → ${kb(pair.fifty.heapBytes)})`,
      verdict: verdict(isFlat(added, FLAT_HEAP_BYTES)),
    });
  }
  const { shapes, differences } = r.stack.startup;
  for (const grant of ["one-tool server", "one tool", "all tools"] as const) {
    const five = shapes.find((x) => x.grant === grant && x.servers === 5);
    const fifty = shapes.find((x) => x.grant === grant && x.servers === 50);
    const difference = differences.find((d) => d.grant === grant);
    if (!five || !fifty || !difference) continue;
    for (const [label, key] of [
      ["POST → run.started", "toStarted"],
      ["POST → model request", "toModelRequest"],
      ["POST → first token", "toFirstToken"],
    ] as const) {
      checks.push({
        target: `Start-up flat through the stack, ${grant} (${five.offeredTools} → ${fifty.offeredTools} tools): ${label}`,
        measured: `added p50 ${ms(difference[key].p50)} (p50 ${ms(five[key].p50)} → ${ms(fifty[key].p50)})${void_}`,
        verdict: verdict(isFlat(difference[key].p50, FLAT_TIME_MS) && !r.workerReloaded),
      });
    }
  }
  return checks;
}
