import { readFileSync } from "node:fs";
import { addScript, readLog } from "@switchboard/dev/model-server";
import type { AgentToolGrant } from "@switchboard/protocol";
import { type Summary, summarize } from "../percentiles.ts";
import { serviceTrees } from "../process-stats.ts";
import type { GrantShape } from "./node-startup.ts";
import type { OneToolServer } from "./one-tool-server.ts";
import { pairDifferences } from "./paired-timing.ts";
import type { RunWatcher } from "./run-watcher.ts";
import type { StackContext } from "./stack-context.ts";

export interface StackStartupShape {
  servers: number;
  grant: GrantShape;
  /** Tools the model was offered (from the model server's log). */
  offeredTools: number;
  /** POST /messages sent → `run.started` on the WebSocket. */
  toStarted: Summary;
  /** POST sent → the model server received the run's request (the tools built and serialised). */
  toModelRequest: Summary;
  /** POST sent → first `token` on the WebSocket. */
  toFirstToken: Summary;
}

/** 50-server run − 5-server run of the same round, per grant shape (the rounds take turns, see below). */
export interface StackStartupDifference {
  grant: GrantShape;
  toStarted: Summary;
  toModelRequest: Summary;
  toFirstToken: Summary;
}

export interface StackStartup {
  runs: number;
  shapes: StackStartupShape[];
  differences: StackStartupDifference[];
  /** Sessions the two MCP servers saw during the runs (must be 0: no run called a tool). */
  serverSessionsOpened: number;
  /** workerd's resident memory (MB) before and after the runs. */
  workerdRssMb: { before: number; after: number };
}

const MARKER = "mcp-bench-startup";
const GRANTS = ["all tools", "one tool", "one-tool server"] as const;

interface Shape {
  servers: number;
  grant: GrantShape;
  watcher: RunWatcher;
  conversationId: string;
  started: number[];
  model: number[];
  firstToken: number[];
  offered: Set<number>;
}

/** Resident memory of the workerd that runs the worker and the Durable Objects, in MB. */
function workerdRssMb(): number {
  let kb = 0;
  for (const p of serviceTrees().get("workerd") ?? []) {
    try {
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Exited.
    }
  }
  return Math.round(kb / 102.4) / 10;
}

/**
 * Run start-up end to end with 5 and 50 granted servers, none called. 50 custom servers point at the same
 * server-everything (13 tools, granted all or only `echo`) and 50 more at a one-tool server (a cached list
 * of a few hundred bytes), each listed once so its cache is filled. The agents' runs take turns, so drift on
 * a shared machine lands on all of them alike.
 */
export async function measureStackStartup(
  ctx: StackContext,
  small: OneToolServer,
  runs: number,
): Promise<StackStartup> {
  const { api, mcp, server, log } = ctx;
  log("  connecting 2 × 50 custom servers and listing each once");
  const everythingIds: string[] = [];
  const smallIds: string[] = [];
  for (let i = 1; i <= 50; i++) {
    const id = await mcp.addUrlServer(`srv${String(i).padStart(2, "0")}`, server.url);
    await mcp.listTools(id, true);
    everythingIds.push(id);
    const smallId = await mcp.addUrlServer(`one${String(i).padStart(2, "0")}`, small.url);
    await mcp.listTools(smallId, true);
    smallIds.push(smallId);
  }
  await addScript(ctx.stack.modelServerUrl, {
    id: MARKER,
    match: { userIncludes: MARKER },
    steps: [{ text: "Ready.", tokensPerSecond: 0 }],
  });
  const shapes: Shape[] = [];
  // An agent without MCP servers first: the run's start-up cost without any tool layer, for scale.
  const plan = [
    { grant: "none" as const, servers: 0 },
    ...GRANTS.flatMap((grant) => [5, 50].map((servers) => ({ grant, servers }))),
  ];
  for (const { grant, servers } of plan) {
    const tools: AgentToolGrant[] = (grant === "one-tool server" ? smallIds : everythingIds)
      .slice(0, servers)
      .map((serverId) => (grant === "one tool" ? { serverId, names: ["echo"] } : { serverId }));
    const agentId = await mcp.createAgent(`${servers} servers, ${grant}`, "You answer.", tools);
    const conversationId = await api.createConversation(agentId, `start-up ${servers} ${grant}`);
    shapes.push({
      servers,
      grant,
      conversationId,
      watcher: await ctx.watch(conversationId),
      started: [],
      model: [],
      firstToken: [],
      offered: new Set(),
    });
  }
  const sessionsBefore = server.sessions + small.sessions;
  const rssBefore = workerdRssMb();
  const warmup = 2;
  log(`  ${runs} runs per agent (after ${warmup} warm-up runs), taking turns`);
  try {
    for (let run = 0; run < warmup + runs; run++) {
      for (const shape of shapes) {
        const sentAt = Date.now();
        const t0 = performance.now();
        const sent = await api.sendMessage(shape.conversationId, `${MARKER} ${run}`);
        const times = await shape.watcher.finished(sent.runId);
        const [entry] = await readLog(ctx.stack.modelServerUrl, { limit: 1 });
        if (entry?.scriptId !== MARKER) throw new Error("the model server did not answer the start-up run");
        if (run < warmup) continue;
        shape.started.push((times.started ?? Number.NaN) - t0);
        shape.firstToken.push((times.firstToken ?? Number.NaN) - t0);
        shape.model.push(entry.startedAt - sentAt);
        shape.offered.add(entry.offeredTools.length);
      }
    }
  } finally {
    for (const shape of shapes) shape.watcher.close();
  }
  const differences = GRANTS.flatMap((grant) => {
    const five = shapes.find((x) => x.grant === grant && x.servers === 5);
    const fifty = shapes.find((x) => x.grant === grant && x.servers === 50);
    if (!five || !fifty) return [];
    const diff = (key: "started" | "model" | "firstToken") =>
      summarize(pairDifferences({ a: five[key], b: fifty[key] }));
    return [
      { grant, toStarted: diff("started"), toModelRequest: diff("model"), toFirstToken: diff("firstToken") },
    ];
  });
  return {
    runs,
    shapes: shapes.map((s) => ({
      servers: s.servers,
      grant: s.grant,
      offeredTools: s.offered.size === 1 ? ([...s.offered][0] ?? 0) : Number.NaN,
      toStarted: summarize(s.started),
      toModelRequest: summarize(s.model),
      toFirstToken: summarize(s.firstToken),
    })),
    differences,
    serverSessionsOpened: server.sessions + small.sessions - sessionsBefore,
    workerdRssMb: { before: rssBefore, after: workerdRssMb() },
  };
}
