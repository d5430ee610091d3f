import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@switchboard/dev/stack";
import pg from "pg";
import { BENCH_APP_PREFIX } from "./database-monitor.ts";

export interface Machine {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  workerd: string;
  wrangler: string;
  postgres: string;
  /** The code measured: a commit, plus how many files were uncommitted when the working tree ran. */
  gitHead: string;
  uncommittedFiles: number;
  snapshot: boolean;
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

function packageVersion(name: string): string {
  try {
    const file = path.join(repoRoot, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** What the figures were measured on: they mean little without the machine and the versions. */
export async function describeMachine(databaseUrl: string, snapshotOf: string | undefined): Promise<Machine> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: `${BENCH_APP_PREFIX}-setup`,
  });
  await client.connect();
  let postgres = "unknown";
  try {
    postgres =
      (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ??
      postgres;
  } finally {
    await client.end();
  }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    workerd: packageVersion("workerd"),
    wrangler: packageVersion("wrangler"),
    postgres,
    gitHead: snapshotOf?.slice(0, 7) ?? (git(["rev-parse", "--short", "HEAD"]) || "unknown"),
    uncommittedFiles: snapshotOf ? 0 : git(["status", "--porcelain"]).split("\n").filter(Boolean).length,
    snapshot: snapshotOf !== undefined,
  };
}
