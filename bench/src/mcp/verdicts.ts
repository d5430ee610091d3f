import type { TargetCheck } from "../targets.ts";
import type { McpBenchResults } from "./results.ts";

/** The overhead target: the platform may add less than this to a call or a list, at the median. */
export const OVERHEAD_TARGET_MS = 5;

/**
 * "Flat" from 5 to 50 servers: the 50-server median at most 1.25× the 5-server one, or less than an
 * absolute margin above it (5 ms of time; 1 MB of heap, under 1% of a Durable Object's 128 MB). The
 * ratio alone would fail sub-millisecond figures that no one could notice; the margin alone would pass a
 * tenfold growth of something slow.
 */
export const FLAT_RATIO = 1.25;
export const FLAT_TIME_MS = 5;
export const FLAT_HEAP_BYTES = 1024 * 1024;

export function isFlat(five: number | null, fifty: number | null, margin: number): boolean {
  if (five === null || fifty === null || !Number.isFinite(five) || !Number.isFinite(fifty)) return false;
  return fifty <= five * FLAT_RATIO || fifty - five < margin;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${v} ms`);
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const ratio = (five: number | null, fifty: number | null) =>
  five && fifty !== null ? `${Math.round((fifty / five) * 100) / 100}×` : "–";
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
    `API p50 ${l.cached.platform.p50Ms} / p99 ${l.cached.platform.p99Ms} ms, direct p50 ${l.cached.direct.p50Ms} / p99 ${l.cached.direct.p99Ms} ms`,
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
      `open connections after building tools: ${openOk ? 0 : "> 0"}; sessions the MCP server saw during ` +
      `start-up — in Node ${s.serverSessionsOpened}, through the stack ${r.stack.startup.serverSessionsOpened}; ` +
      `database accesses ${s.databaseAccesses}`,
    verdict: verdict(sessionsOk && openOk && s.databaseAccesses === 0),
  });
  for (const pair of s.pairs) {
    const five = pair.five.buildMs.p50Ms;
    const fifty = pair.fifty.buildMs.p50Ms;
    checks.push({
      target: `Start-up time flat, 5 → 50 servers, ${pair.grant} (${pair.five.tools} → ${pair.fifty.tools} tools) — RunToolSession.tools() in Node`,
      measured: `p50 ${five} → ${fifty} ms (${ratio(five, fifty)}, paired difference p50 ${pair.difference.p50Ms} ms)`,
      verdict: verdict(isFlat(five, fifty, FLAT_TIME_MS)),
    });
    checks.push({
      target: `Start-up memory flat, 5 → 50 servers, ${pair.grant} — heap retained per run in Node`,
      measured: `${kb(pair.five.heapBytes)} → ${kb(pair.fifty.heapBytes)} (${ratio(pair.five.heapBytes, pair.fifty.heapBytes)})`,
      verdict: verdict(isFlat(pair.five.heapBytes, pair.fifty.heapBytes, FLAT_HEAP_BYTES)),
    });
  }
  const shapes = r.stack.startup.shapes;
  for (const grant of ["one tool", "all tools"] as const) {
    const five = shapes.find((x) => x.grant === grant && x.servers === 5);
    const fifty = shapes.find((x) => x.grant === grant && x.servers === 50);
    if (!five || !fifty) continue;
    for (const [label, key] of [
      ["POST → run.started", "toStarted"],
      ["POST → model request", "toModelRequest"],
      ["POST → first token", "toFirstToken"],
    ] as const) {
      const a = five[key].p50;
      const b = fifty[key].p50;
      checks.push({
        target: `Start-up flat through the stack, ${grant} (${five.offeredTools} → ${fifty.offeredTools} tools): ${label}`,
        measured: `p50 ${ms(a)} → ${ms(b)} (${ratio(a, b)})${void_}`,
        verdict: verdict(isFlat(a, b, FLAT_TIME_MS) && !r.workerReloaded),
      });
    }
  }
  return checks;
}
