import { addScript, readLog } from "@switchboard/dev/model-server";
import { type MicroSummary, microSummary } from "../auth/micro-percentiles.ts";
import { type Summary, summarize } from "../percentiles.ts";
import { connectDirect, directEcho } from "./direct-client.ts";
import type { StackContext } from "./stack-context.ts";

export interface StackToolCalls {
  runs: number;
  callsPerRun: number;
  /** `durationMs` of the recorded calls after the run's first (connection open), milliseconds. */
  platformWarm: Summary;
  /** The SDK client's `callTool` on an open session, between the runs. */
  directWarm: MicroSummary;
  /** The run's first call: connect + initialize + call, as recorded. */
  platformFirst: Summary;
  /** The SDK client: connect + initialize + call + close, once between each two runs. */
  directFirst: MicroSummary;
  /**
   * From the model's side: the end of a reply that asked for the tool to the next model request (the
   * Agents SDK's tool round: parse, invokeTool, build and send the next request).
   */
  toolRound: Summary;
  /** Calls that ended with isError (must be 0). */
  errors: number;
}

const STEPS = 8;
const MARKER = "mcp-bench-echo";

/**
 * Tool calls end to end inside workerd: an agent granted the reference server's `echo` is scripted to
 * call it STEPS times per run (the Agents SDK allows 10 model turns), and each call's `durationMs` — taken
 * by the Durable Object around policy, masking, the call and truncation — is read back from
 * `GET /conversations/:id/tool-calls`. Between runs the SDK client calls the same server directly, so both
 * samples come from the same minutes of a shared machine.
 */
export async function measureStackToolCalls(ctx: StackContext, runs: number): Promise<StackToolCalls> {
  const { api, mcp, server, log } = ctx;
  const toolName = "everything__echo";
  await addScript(ctx.stack.modelServerUrl, {
    id: "mcp-bench-echo",
    match: { userIncludes: MARKER },
    steps: [
      ...Array.from({ length: STEPS }, (_, i) => ({
        toolCalls: [{ name: toolName, arguments: { message: `call ${i}` } }],
        tokensPerSecond: 0,
      })),
      { text: "All echoed.", tokensPerSecond: 0 },
    ],
  });
  const agentId = await mcp.createAgent("Echo caller", "You call echo.", [
    { serverId: ctx.everythingId, names: ["echo"] },
  ]);
  const conversationId = await api.createConversation(agentId, "MCP echo benchmark");
  const watcher = await ctx.watch(conversationId);
  const direct = await connectDirect(server.url);
  const platformWarm: number[] = [];
  const platformFirst: number[] = [];
  const directWarm: number[] = [];
  const directFirst: number[] = [];
  const toolRound: number[] = [];
  let errors = 0;
  try {
    const warmupRuns = 2;
    log(`  ${runs} runs × ${STEPS} calls (after ${warmupRuns} warm-up runs)`);
    for (let run = 0; run < warmupRuns + runs; run++) {
      const sent = await api.sendMessage(conversationId, `${MARKER} run ${run}`);
      const times = await watcher.finished(sent.runId);
      if (times.toolResults !== STEPS)
        throw new Error(`run ${run}: ${times.toolResults} tool results, expected ${STEPS}`);
      const calls = await ctx.readToolCalls(conversationId, sent.runId, STEPS);
      const entries = (await readLog(ctx.stack.modelServerUrl, { limit: STEPS + 1 })).filter(
        (e) => e.scriptId === "mcp-bench-echo",
      );
      // Direct calls in the same minute: one cold (connect, call, close), then STEPS on the open session.
      const t0 = performance.now();
      const cold = await connectDirect(server.url);
      await directEcho(cold, "cold");
      await cold.close();
      const coldMs = performance.now() - t0;
      const warm: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        const t1 = performance.now();
        await directEcho(direct, `direct ${run} ${i}`);
        warm.push(performance.now() - t1);
      }
      if (run < warmupRuns) continue;
      errors += calls.filter((c) => c.isError).length;
      const ordered = [...calls].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      platformFirst.push(ordered[0]?.durationMs ?? Number.NaN);
      for (const call of ordered.slice(1)) platformWarm.push(call.durationMs);
      directFirst.push(coldMs);
      directWarm.push(...warm);
      for (let k = 0; k + 1 < entries.length; k++) {
        const reply = entries[k];
        const next = entries[k + 1];
        if (reply?.finishedAt && next && reply.toolCalls.length > 0)
          toolRound.push(next.startedAt - reply.finishedAt);
      }
    }
  } finally {
    watcher.close();
    await direct.close();
  }
  return {
    runs,
    callsPerRun: STEPS,
    platformWarm: summarize(platformWarm),
    directWarm: microSummary(directWarm),
    platformFirst: summarize(platformFirst),
    directFirst: microSummary(directFirst),
    toolRound: summarize(toolRound),
    errors,
  };
}
