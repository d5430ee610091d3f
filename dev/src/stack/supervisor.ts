import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { binDir } from "./paths.ts";

const COLORS = [36, 35, 33, 32, 34, 31];

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Runs the stack's processes together with readable, prefixed logs, and stops them all (in their own
 * process groups, so grandchildren go too) when one dies or on Ctrl-C.
 */
export class Supervisor {
  readonly #children = new Map<string, ChildProcess>();
  #stopping = false;
  readonly #width: number;
  #onExit: ((name: string, code: number | null) => void) | undefined;
  /** In quiet mode the latest lines are kept here and printed only when something goes wrong. */
  readonly #recent: string[] | undefined;

  constructor(names: string[], options: { quiet?: boolean } = {}) {
    this.#width = Math.max(...names.map((n) => n.length));
    this.#recent = options.quiet ? [] : undefined;
  }

  log(name: string, line: string): void {
    if (this.#recent) {
      this.#recent.push(`${name.padEnd(this.#width)} | ${line}`);
      if (this.#recent.length > 400) this.#recent.shift();
      return;
    }
    const color = COLORS[[...name].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % COLORS.length];
    const prefix = process.stdout.isTTY
      ? `\x1b[${color}m${name.padEnd(this.#width)}\x1b[0m`
      : name.padEnd(this.#width);
    process.stdout.write(`${prefix} | ${line}\n`);
  }

  start(spec: ServiceSpec): ChildProcess {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      // Tools run on the Node 22 in node_modules/.bin whatever node started us (wrangler refuses Node 20).
      env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ""}`, FORCE_COLOR: "0", ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.#children.set(spec.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", (line) => this.log(spec.name, line));
    }
    child.on("exit", (code) => {
      this.#children.delete(spec.name);
      if (!this.#stopping) this.#onExit?.(spec.name, code);
    });
    return child;
  }

  /** Prints what quiet mode held back (the last few hundred lines). */
  dumpRecent(): void {
    if (this.#recent?.length) process.stderr.write(`${this.#recent.join("\n")}\n`);
  }

  /** Called when a service exits on its own. */
  onUnexpectedExit(handler: (name: string, code: number | null) => void): void {
    this.#onExit = handler;
  }

  async stopAll(timeoutMs = 5000): Promise<void> {
    this.#stopping = true;
    const exits = [...this.#children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.pid === undefined) return resolve();
          child.once("exit", () => resolve());
          signalGroup(child.pid, "SIGTERM");
          setTimeout(() => {
            if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
            resolve();
          }, timeoutMs).unref();
        }),
    );
    await Promise.all(exits);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls a URL until it answers 2xx, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms`, { cause: lastError });
}
