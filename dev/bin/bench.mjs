#!/usr/bin/env node
// Bootstrap for `npm run bench`: installs dependencies on a fresh clone, then runs bench/src/main.ts on
// Node 22 through tsx from the repo root (the stack's wrangler needs Node >= 22; the `node` package in
// devDependencies ships it). Flags after `--` are passed on: `npm run bench -- --quick`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node22 = `${root}node_modules/.bin/node`;
const tsx = `${root}node_modules/tsx/dist/cli.mjs`;

if (!existsSync(node22) || !existsSync(tsx)) {
  console.log("First run: installing dependencies (npm install)…");
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const result = spawnSync(node22, [tsx, "bench/src/main.ts", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
