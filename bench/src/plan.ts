import type { StreamsOptions } from "./scenario-streams.ts";

export type ScenarioName = "streams" | "resume" | "baseline";
export const SCENARIOS: readonly ScenarioName[] = ["streams", "resume", "baseline"];

export interface BenchPlan {
  quick: boolean;
  scenarios: ScenarioName[];
  streams: StreamsOptions[];
  resume: { sizes: number[]; missed: number; repetitions: number };
  baseline: { conversations: number[]; tokens: number; tokensPerSecond: number; timeLimitMs: number };
  verbose: boolean;
  /** Run the stack from a copy of HEAD instead of the working tree (see code-snapshot.ts). */
  snapshot: boolean;
  /** Where docs/benchmarks.md and bench/results/latest.json go; --no-write leaves them alone. */
  write: boolean;
  /** How long each run may wait for other processes on the machine to quieten down. */
  quietWaitMs: number;
  /** The whole run is aborted (and everything stopped) after this long. */
  hardLimitMs: number;
}

export const USAGE = `npm run bench -- [flags]

  --quick                 reduced run (10 and 50 conversations, 200 tokens), about 3 minutes
  --only=streams,resume,baseline
                          run only these scenarios
  --conversations=10,100  conversation counts of the streams scenario (at the base token rate)
  --fast=100              conversations of the 500 tokens/s streams run (0 skips it)
  --tokens=500            tokens per reply (streams and baseline)
  --quiet-wait=120        seconds each run may wait for other processes to stop using the CPU (0 in --quick)
                          (a shared machine); 0 does not wait. The load is reported either way.
  --snapshot              run the stack from a copy of HEAD (git archive), not the working tree: a
                          shared tree being edited makes wrangler dev restart workerd mid-run
  --verbose               print the stack's logs as they come
  --no-write              do not write docs/benchmarks.md and bench/results/latest.json
  --help                  this text`;

/** The figures of the full run and of --quick; flags can narrow them. */
export function parsePlan(argv: readonly string[]): BenchPlan | "help" {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
    flags.set(match[1], match[2] ?? "true");
  }
  const known = [
    "quick",
    "only",
    "conversations",
    "fast",
    "tokens",
    "quiet-wait",
    "snapshot",
    "verbose",
    "no-write",
    "help",
  ];
  for (const name of flags.keys())
    if (!known.includes(name)) throw new Error(`unknown flag --${name}\n\n${USAGE}`);
  if (flags.has("help")) return "help";

  const quick = flags.has("quick");
  const tokens = flags.has("tokens") ? Number(flags.get("tokens")) : quick ? 200 : 500;
  if (!Number.isInteger(tokens) || tokens < 1 || tokens > 10_000) throw new Error("--tokens takes 1..10000");
  const counts = flags.has("conversations")
    ? (flags.get("conversations") ?? "").split(",").map((n) => Number(n))
    : quick
      ? [10, 50]
      : [10, 100, 500];
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 1000))
    throw new Error("--conversations takes integers between 1 and 1000");
  // The ≤ 20 statements per conversation per second claim is shown at a tenfold token rate too.
  const fastCount = flags.has("fast") ? Number(flags.get("fast")) : quick ? 50 : 100;
  if (!Number.isInteger(fastCount) || fastCount < 0 || fastCount > 1000)
    throw new Error("--fast takes 0..1000");
  const streams: StreamsOptions[] = counts.map((n) => ({
    label: `n${n}`,
    conversations: n,
    tokens,
    tokensPerSecond: 50,
    timeLimitMs: 110_000,
  }));
  if (fastCount > 0)
    streams.push({
      label: `n${fastCount}-fast`,
      conversations: fastCount,
      tokens,
      tokensPerSecond: 500,
      timeLimitMs: 110_000,
    });
  const only = flags.get("only");
  const scenarios = only
    ? only.split(",").map((s) => {
        if (!SCENARIOS.includes(s as ScenarioName)) throw new Error(`unknown scenario ${s}`);
        return s as ScenarioName;
      })
    : [...SCENARIOS];
  const quietWait = flags.has("quiet-wait") ? Number(flags.get("quiet-wait")) : quick ? 0 : 120;
  if (!Number.isFinite(quietWait) || quietWait < 0 || quietWait > 3600)
    throw new Error("--quiet-wait takes 0..3600");
  return {
    quick,
    scenarios,
    streams,
    // 40 reconnects per size: at ~15 ms a p50 of 20 moves by a millisecond or two, i.e. by 10%.
    resume: { sizes: [1_000, 100_000], missed: 100, repetitions: quick ? 10 : 40 },
    baseline: {
      conversations: quick ? [50] : [100, 500],
      tokens,
      tokensPerSecond: 50,
      // Per-token writes fall behind at this load; this bounds how long they may try to catch up.
      timeLimitMs: quick ? 20_000 : 60_000,
    },
    verbose: flags.has("verbose"),
    snapshot: flags.has("snapshot"),
    write: !flags.has("no-write"),
    quietWaitMs: quietWait * 1000,
    hardLimitMs: quick ? 8 * 60_000 : 60 * 60_000,
  };
}
