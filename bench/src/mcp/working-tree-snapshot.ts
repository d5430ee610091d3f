import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "@switchboard/dev/stack";
import { snapshotHead } from "../code-snapshot.ts";

function gitFiles(args: string[]): string[] {
  return execFileSync("git", args, { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 })
    .toString("utf8")
    .split("\0")
    .filter(Boolean);
}

/**
 * A frozen copy of the **working tree** to run the stack from: `wrangler dev` restarts workerd whenever a
 * worker source file changes, and others edit this tree while the benchmark runs. The MCP layer is not
 * committed yet, so the committed snapshot (`snapshotHead`) would not contain it: this one starts from
 * that snapshot (its package links and dashboard build), removes what the working tree no longer has,
 * and copies every tracked and untracked, non-ignored file over it as it is now.
 */
export async function snapshotWorkingTree(into: string): Promise<{ root: string; files: number }> {
  const { root } = await snapshotHead(into);
  const current = gitFiles(["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).filter((file) =>
    existsSync(path.join(repoRoot, file)),
  );
  const keep = new Set(current);
  for (const file of gitFiles(["ls-tree", "-r", "-z", "--name-only", "HEAD"])) {
    if (!keep.has(file)) await rm(path.join(root, file), { force: true });
  }
  const archive = execFileSync("tar", ["-c", "--null", "-T", "-", "-f", "-"], {
    cwd: repoRoot,
    input: `${current.join("\0")}\0`,
    maxBuffer: 1024 * 1024 * 1024,
  });
  execFileSync("tar", ["-x", "-C", root], { input: archive });
  return { root, files: current.length };
}
