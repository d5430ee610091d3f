import type { MicroSummary } from "../auth/micro-percentiles.ts";
import type { Summary } from "../percentiles.ts";
import { BENCH_WORKER_ENV } from "../stack-runner.ts";
import { meaningSection } from "./report-meaning.ts";
import type { McpBenchResults } from "./results.ts";
import { checkMcpTargets, FLAT_TIME_MS, OVERHEAD_TARGET_MS } from "./verdicts.ts";

const v = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? "–" : String(x);
const micro = (s: MicroSummary) => `${s.p50Ms} / ${s.p99Ms}`;
const summary = (s: Summary) => `${v(s.p50)} / ${v(s.p99)}`;
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString("en")} KB`;
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

function machineSection(r: McpBenchResults): string {
  const m = r.machine;
  const code = `${m.gitHead} + ${m.uncommittedFiles} uncommitted files (${r.stackCode})`;
  const others = Object.entries(r.othersCpuPercent)
    .map(([part, percent]) => `${part} ${percent}%`)
    .join(", ");
  return `## Machine

${table(
  ["nproc", "CPU", "memory", "kernel", "Node", "workerd", "wrangler", "PostgreSQL", "code"],
  [[m.nproc, m.cpuModel, `${m.memoryGiB} GiB`, m.kernel, m.node, m.workerd, m.wrangler, m.postgres, code]],
)}

Everything runs on this one machine: server-everything, the benchmark's clients, and for the stack parts
workerd under \`wrangler dev\`, the relay, the model server and PostgreSQL share its ${m.nproc} cores, and other
people's builds and tests ran meanwhile. Other processes' CPU (% of one core) just before each part:
${others}. Every comparison is therefore made in **alternating pairs** (platform, direct, direct, platform, …)
or interleaved runs, so the shared machine's drift lands on both sides; absolute figures are higher than on an
idle machine. Rate limits raised for the benchmark (one user sends every message):
${Object.entries(BENCH_WORKER_ENV)
  .map(([k, value]) => `\`${k}=${value}\``)
  .join(
    ", ",
  )}.${r.workerReloaded ? "\n\n**wrangler dev restarted workerd during the stack part (a source file changed): the stack figures are void.**" : ""}`;
}

function targetsSection(r: McpBenchResults): string {
  const checks = checkMcpTargets(r);
  return `## Targets

Overhead target: the platform adds less than ${OVERHEAD_TARGET_MS} ms at the median. "Flat" from 5 to 50
servers: the 50-server run costs less than ${FLAT_TIME_MS} ms more than the 5-server run, judged on the median of
same-round differences (each 50-server run against the 5-server run beside it), and retains less than 1 MB more
heap (under 1% of a Durable Object's 128 MB). A margin rather than a ratio: what a user waits for is the added
time, and a ratio would fail a 0.05 → 0.4 ms change no one can notice while passing 15 ms on a 70 ms base.

${table(
  ["target", "measured", "result"],
  checks.map((c) => [c.target, c.measured, `**${c.verdict}**`]),
)}`;
}

function methodSection(r: McpBenchResults): string {
  const o = r.node.overhead;
  return `## Method

- **Peer.** \`@modelcontextprotocol/server-everything\` (the MCP reference server) over Streamable HTTP on
  127.0.0.1, a child process of the benchmark. Its \`echo\` tool answers \`Echo: <message>\`; it lists
  ${r.node.startup.serverTools} tools to a client without sampling, elicitation or roots capabilities (the
  platform's client). Every session it opens is counted from its log, which is how the benchmark sees from
  outside whether anything connected.
- **Direct baseline.** The MCP SDK's own \`Client\` + \`StreamableHTTPClientTransport\`, one open session:
  \`callTool({name: "echo"})\` and \`listTools()\`; for a cold list, connect + initialize + list + close.
- **Platform code in Node.** The platform's own modules from \`durable-objects/src/mcp/\`, imported and run
  in the benchmark's Node process, **not in workerd**: \`invokeTool\` (grant check, argument masking, the
  call with timeout and retry policy, secret scrubbing, result truncation, \`tool.call\`/\`tool.result\`
  events, the record callback) on an \`McpConnections\` connection made by \`connectMcpServer\` with the
  SSRF-guarded fetch under \`ALLOW_PRIVATE_NETWORKS=loopback\` (what \`npm start\` sets) and a
  list-changed hook. Events and records go to counters instead of the event log and PostgreSQL (the
  Durable Object does those writes after it has taken the duration, without waiting). One made-up
  credential value is known to the masking, so it scans every string. ${o.calls} pairs after ${o.warmup}
  warm-up pairs; ${o.events} events and ${o.records} records were produced, and the last result was
  \`${o.lastResult}\`.
- **Platform end to end in workerd.** The real stack (\`startStack\`, as \`npm start\`: embedded
  PostgreSQL, relay, scripted model server, workspace-host, the worker and Durable Objects under
  \`wrangler dev\`). A user registers through the REST API and connects server-everything as a custom URL
  server (\`POST /api/v1/mcp/servers\`, \`transport: "streamable-http"\`). Tool calls: an agent granted
  \`echo\` only; the scripted model asks for \`everything__echo\` ${r.stack.toolCalls.callsPerRun} times per run
  (one call per model turn; the Agents SDK allows 10 turns), then answers. Each call's \`durationMs\` is read
  from \`GET /conversations/:id/tool-calls\`: the Durable Object takes it around grant check, masking, the
  call, scrubbing and truncation, with \`Date.now()\`, so it has **1 ms resolution** (workerd's clock also
  only advances across I/O). The run's first call opens the connection (connect + initialize) and is
  reported apart. Between runs the SDK client makes the same calls directly, so both samples come from the
  same minutes.
- **Tool list through the API.** \`GET /api/v1/mcp/servers/:id/tools\` (served from \`mcp_servers.tools_cache\`;
  the request crosses \`wrangler dev\`'s proxy, authentication and one database read through the relay) paired
  with \`listTools()\` on an open session; \`?refresh=true\` (connect, list, store, close inside workerd)
  paired with the SDK's connect + list + close.
- **Start-up with 5 and 50 servers.** In Node: \`new RunToolSession(…)\` + \`await session.tools()\`, the
  Durable Object's start of a run, for grants of 5 and 50 custom servers, each grant carrying the real cached
  list (every server's tools, or only \`echo\` via \`names\`), timed in alternating pairs; the heap retained per
  run (after full collections, 40 runs kept alive, divided); open connections after building; the database is
  a stand-in that fails on any use. As the reference for what lazy loading avoids, the same servers connected
  and listed eagerly, all at once. Through the stack: 50 custom servers pointing at the same server-everything
  and 50 at a one-tool MCP server (stateless Streamable HTTP, in the benchmark's process: its cached list is a
  few hundred bytes, which tells the cost of a server apart from the size of its list), each listed once so its
  cache is filled; seven agents — no server; and 5 or 50 servers granted all of server-everything's tools, only
  its \`echo\`, or the one-tool server — with one conversation each, taking turns, scripted to answer \`Ready.\`
  with no tool call: POST → \`run.started\` on the WebSocket, POST → the model server receiving the run's request
  (its log, same clock, 1 ms), POST → first \`token\`. In the Durable Object \`run.started\` is emitted after the
  run's configuration (with the cached lists) has arrived but before the tools are built, so building them
  shows in the latter two.`;
}

function toolCallSection(r: McpBenchResults): string {
  const o = r.node.overhead;
  const c = r.stack.toolCalls;
  return `## 1. Tool calls

Milliseconds, p50 / p99. "Overhead" is the median (and p99) of the per-pair differences platform − direct.

${table(
  ["path", "samples", "direct (SDK)", "platform", "overhead"],
  [
    [
      "tools/call echo, open session — platform code in Node",
      o.toolCall.direct.count,
      micro(o.toolCall.direct),
      micro(o.toolCall.platform),
      micro(o.toolCall.overhead),
    ],
  ],
)}

Inside workerd (${c.runs} runs × ${c.callsPerRun} calls, after 2 warm-up runs; ${c.errors} calls failed):

${table(
  ["what", "samples", "p50 / p99"],
  [
    [
      "recorded durationMs, calls on the run's open connection",
      c.platformWarm.count,
      summary(c.platformWarm),
    ],
    ["direct SDK callTool on an open session (same minutes)", c.directWarm.count, micro(c.directWarm)],
    [
      "recorded durationMs, the run's first call (connect + initialize + call)",
      c.platformFirst.count,
      summary(c.platformFirst),
    ],
    ["direct SDK connect + initialize + call + close", c.directFirst.count, micro(c.directFirst)],
    ["model's view of a tool round: reply end → next model request", c.toolRound.count, summary(c.toolRound)],
  ],
)}`;
}

function toolListSection(r: McpBenchResults): string {
  const o = r.node.overhead;
  const l = r.stack.toolList;
  return `## 2. Tool lists

Milliseconds, p50 / p99; overhead = per-pair differences platform − direct. The API returned ${l.tools} tools.

${table(
  ["path", "samples", "direct (SDK)", "platform", "overhead"],
  [
    [
      "tools/list, open session — platform fetchToolList in Node",
      o.toolList.direct.count,
      micro(o.toolList.direct),
      micro(o.toolList.platform),
      micro(o.toolList.overhead),
    ],
    [
      "connect + list + close — platform connectMcpServer in Node",
      o.coldList.count,
      micro(o.coldList.direct),
      micro(o.coldList.platform),
      micro(o.coldList.overhead),
    ],
    [
      "GET /mcp/servers/:id/tools (cached) vs listTools on an open session",
      l.cached.count,
      micro(l.cached.direct),
      micro(l.cached.platform),
      micro(l.cached.overhead),
    ],
    [
      "GET …/tools?refresh=true vs connect + list + close",
      l.refresh.count,
      micro(l.refresh.direct),
      micro(l.refresh.platform),
      micro(l.refresh.overhead),
    ],
  ],
)}

The floor under every API figure, measured in the same rounds as the cached list: an authenticated
\`GET /api/v1/me\` took ${micro(l.apiFloor.me)} ms (p50 / p99); the cached list took ${micro(l.apiFloor.listAboveFloor)} ms
more (per-round differences).`;
}

function startupSection(r: McpBenchResults): string {
  const s = r.node.startup;
  const st = r.stack.startup;
  const nodeRows = s.pairs.flatMap((p) =>
    [p.five, p.fifty].map((x) => [
      x.servers,
      x.grant,
      x.tools,
      kb(x.cachedListBytes),
      micro(x.buildMs),
      kb(x.heapBytes),
      x.openConnections,
    ]),
  );
  const perTool = s.pairs.map((p) => {
    const tools = p.fifty.tools - p.five.tools;
    const us = Math.round(((p.fifty.buildMs.p50Ms - p.five.buildMs.p50Ms) / tools) * 1000 * 10) / 10;
    const bytes = Math.round((p.fifty.heapBytes - p.five.heapBytes) / tools);
    return `${p.grant}: ${us} µs and ${bytes.toLocaleString("en")} bytes per extra tool (paired difference p50 ${p.difference.p50Ms} ms)`;
  });
  return `## 3. Start-up with 5 and 50 servers, before any tool is used

In Node, platform code (${s.runs} pairs of runs per grant shape; sessions server-everything saw meanwhile:
${s.serverSessionsOpened}; database accesses: ${s.databaseAccesses}):

${table(
  [
    "servers",
    "grant",
    "tools",
    "cached lists carried",
    "tools() p50 / p99 (ms)",
    "heap per run",
    "open connections",
  ],
  nodeRows,
)}

Growth from 5 to 50 servers — ${perTool.join("; ")}.

Reference — the same servers connected and listed **eagerly**, all at once (what lazy loading avoids):

${table(
  ["servers", "connect + list p50 / p99 (ms)", "heap of the open clients"],
  s.eager.map((e) => [e.servers, micro(e.connectMs), kb(e.heapBytes)]),
)}

Through the stack (${st.runs} runs per agent after 2 warm-up runs; sessions the two MCP servers saw during the
runs: ${st.serverSessionsOpened}; workerd RSS ${st.workerdRssMb.before} MB before, ${st.workerdRssMb.after} MB after):

${table(
  [
    "servers",
    "grant",
    "tools offered to the model",
    "POST → run.started",
    "POST → model request",
    "POST → first token",
  ],
  st.shapes.map((x) => [
    x.servers,
    x.grant,
    v(x.offeredTools),
    summary(x.toStarted),
    summary(x.toModelRequest),
    summary(x.toFirstToken),
  ]),
)}

50-server run − 5-server run of the same round (the agents take turns, so each pair shares the machine's
state), p50 / p99 of the differences in ms:

${table(
  ["grant", "POST → run.started", "POST → model request", "POST → first token"],
  st.differences.map((d) => [
    d.grant,
    summary(d.toStarted),
    summary(d.toModelRequest),
    summary(d.toFirstToken),
  ]),
)}`;
}

/** The report as markdown, generated: re-run the benchmark rather than edit it. */
export function renderMcpReport(r: McpBenchResults): string {
  return `${[
    `# Benchmarks: MCP tools

Generated by \`npm run bench:mcp\`${r.quick ? " (--quick)" : ""} (${r.runSeconds} s) on ${r.machine.date.slice(0, 10)}.
Do not edit by hand: re-run the benchmark. The figures as JSON: [bench/results/mcp.json](../bench/results/mcp.json);
the design: [design/mcp-tools.md](design/mcp-tools.md).`,
    machineSection(r),
    targetsSection(r),
    methodSection(r),
    toolCallSection(r),
    toolListSection(r),
    startupSection(r),
    meaningSection(r),
  ].join("\n\n")}\n`;
}
