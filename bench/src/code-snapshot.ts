import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "@switchboard/dev/stack";

/**
 * A frozen copy of the committed code (`git archive HEAD`) to run the stack from, for `--snapshot`.
 * `wrangler dev` rebuilds and restarts workerd whenever a worker source file changes, so in a working tree
 * that others are editing a long benchmark rarely gets through; a copy nobody edits does, and it measures
 * one known commit. Installed packages are shared by links: `node_modules` becomes a directory of links
 * to the real packages, except the workspace links, which point into the copy.
 */
export async function snapshotHead(into: string): Promise<{ root: string; commit: string }> {
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  await mkdir(into, { recursive: true });
  const archive = execFileSync("git", ["archive", "--format=tar", commit], {
    cwd: repoRoot,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync("tar", ["-x", "-C", into], { input: archive });

  const shared = path.join(repoRoot, "node_modules");
  const modules = path.join(into, "node_modules");
  await mkdir(path.join(modules, "@switchboard"), { recursive: true });
  for (const entry of await readdir(shared)) {
    if (entry === "@switchboard") continue;
    await symlink(path.join(shared, entry), path.join(modules, entry));
  }
  // Workspace links are relative (../../workers), so the same link inside the copy points into the copy.
  for (const entry of await readdir(path.join(shared, "@switchboard"))) {
    const target = await readlink(path.join(shared, "@switchboard", entry));
    await symlink(target, path.join(modules, "@switchboard", entry));
  }
  // Packages npm could not hoist live in a workspace's own node_modules.
  for (const workspace of await readdir(into)) {
    const own = path.join(repoRoot, workspace, "node_modules");
    if (
      existsSync(own) &&
      existsSync(path.join(into, workspace)) &&
      !existsSync(path.join(into, workspace, "node_modules"))
    )
      await symlink(own, path.join(into, workspace, "node_modules"));
  }
  // The dashboard build is not in git; the worker serves it as static assets. A copy, not a link: wrangler
  // watches the assets too, and the test suite rebuilds web/dist.
  const dist = path.join(repoRoot, "web/dist");
  if (existsSync(dist) && !existsSync(path.join(into, "web/dist")))
    await cp(dist, path.join(into, "web/dist"), { recursive: true, dereference: true });
  return { root: into, commit };
}
