import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import {
  type BridgeClaims,
  type CatalogDefinition,
  catalogEntry,
  type StdioLaunch,
} from "@switchboard/protocol";
import { ownerDirName } from "../auth.ts";
import { childEnv, substituteRoot } from "./child-env.ts";

/** Exactly what gets spawned: always the host's node running a bin file of an installed package. */
export interface StdioCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** A catalog entry that runs here as a stdio process. */
export type StdioCatalogEntry = CatalogDefinition & { stdio: StdioLaunch };

/** The catalog entry for `catalogId` if it is a stdio server; anything else is not served by the bridge. */
export function stdioCatalogEntry(catalogId: string): StdioCatalogEntry | undefined {
  const entry = catalogEntry(catalogId);
  return entry?.stdio ? (entry as StdioCatalogEntry) : undefined;
}

const requireHere = createRequire(import.meta.url);

/**
 * The absolute path of `bin` in the installed npm package `pkg` (resolved from workspace-host's own
 * node_modules, the way npm links `node_modules/.bin`). Throws if the package is missing or has no such bin.
 * @example resolvePackageBin("@modelcontextprotocol/server-memory", "mcp-server-memory") // …/dist/index.js
 */
export function resolvePackageBin(pkg: string, bin: string): string {
  // Look the directory up rather than resolving `pkg/package.json`, which `exports` maps may hide.
  const dir = (requireHere.resolve.paths(pkg) ?? [])
    .map((modules) => path.join(modules, pkg))
    .find((candidate) => existsSync(path.join(candidate, "package.json")));
  if (!dir) throw new Error(`npm package ${pkg} is not installed in workspace-host`);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    name?: string;
    bin?: string | Record<string, string>;
  };
  const bins =
    typeof manifest.bin === "string"
      ? { [manifest.name?.replace(/^@[^/]+\//, "") ?? ""]: manifest.bin }
      : (manifest.bin ?? {});
  const relative = bins[bin];
  if (!relative) throw new Error(`npm package ${pkg} has no bin named ${bin}`);
  const file = path.resolve(dir, relative);
  if (!file.startsWith(dir + path.sep)) throw new Error(`bin ${bin} of ${pkg} points outside the package`);
  return file;
}

/** `<dataDir>/owners/team-<uuid>`: what `{root}` means for an owner. */
export const ownerRoot = (dataDir: string, own: string) => path.join(dataDir, "owners", ownerDirName(own));

/**
 * Builds the command for a session from the catalog alone (the request only picks the entry and supplies
 * credential variables) and creates the owner's directory if needed.
 * @example const command = await stdioCommand(stdioCatalogEntry("memory")!, claims, "/srv/workspace-host");
 */
export async function stdioCommand(
  entry: StdioCatalogEntry,
  claims: Pick<BridgeClaims, "own" | "env">,
  dataDir: string,
): Promise<StdioCommand> {
  const root = ownerRoot(dataDir, claims.own);
  await mkdir(root, { recursive: true, mode: 0o700 });
  return {
    command: process.execPath,
    args: [
      resolvePackageBin(entry.stdio.package, entry.stdio.bin),
      ...entry.stdio.args.map((a) => substituteRoot(a, root)),
    ],
    env: childEnv({
      launch: entry.stdio,
      credentialFields: entry.credentialFields,
      root,
      tokenEnv: claims.env,
    }),
    cwd: root,
  };
}
