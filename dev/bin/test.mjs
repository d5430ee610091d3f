#!/usr/bin/env node
// `npm test`: every suite, in order, each with its own vitest config; then one summary line.
// Worker tests are preceded by a dry-run deploy so config and bundling errors surface first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const resultsDir = `${root}.data/test-results`;
// Every tool runs on the Node 22 the `node` devDependency ships, whichever node started this script.
process.env.PATH = `${root}node_modules/.bin:${process.env.PATH}`;
mkdirSync(resultsDir, { recursive: true });

if (!existsSync(bin("vitest"))) {
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const only = process.argv.slice(2);
const suites = [
  { name: "model-server", config: "dev/vitest.config.ts" },
  { name: "relay", config: "relay/vitest.config.ts" },
  { name: "workspace-host", config: "workspace-host/vitest.config.ts" },
  { name: "web", config: "web/vitest.config.ts" },
  {
    name: "workers",
    config: "workers/vitest.config.mts",
    before: [
      ["vite", ["build", "--logLevel", "error"], "web"],
      ["wrangler", ["deploy", "--dry-run", "--outdir", ".data/dry-run"], "."],
    ],
  },
  { name: "e2e", config: "dev/vitest.e2e.config.ts" },
].filter((s) => only.length === 0 || only.includes(s.name));

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  let ok = true;
  for (const [tool, args, cwd] of suite.before ?? []) {
    const step = spawnSync(bin(tool), args, { cwd: `${root}${cwd}`, stdio: "inherit" });
    if (step.status !== 0) {
      ok = false;
      failures.push(`${suite.name}: ${tool} ${args.join(" ")}`);
      break;
    }
  }
  if (!ok) {
    failed += 1;
    continue;
  }
  const output = `${resultsDir}/${suite.name}.json`;
  const run = spawnSync(
    bin("vitest"),
    ["run", "--config", suite.config, "--reporter=default", "--reporter=json", `--outputFile.json=${output}`],
    { cwd: root, stdio: "inherit" },
  );
  const report = existsSync(output) ? JSON.parse(readFileSync(output, "utf8")) : undefined;
  if (report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
  }
  // A failed test fails the suite even if the runner's exit code says otherwise.
  if (run.status !== 0 || (report?.numFailedTests ?? 0) > 0) {
    failures.push(suite.name);
    if (!report || report.numFailedTests === 0) failed += 1;
  }
}

console.log(
  `\n${failures.length ? `Failed: ${failures.join(", ")}\n` : ""}${passed} passed, ${failed} failed, ${skipped} skipped`,
);
process.exit(failures.length ? 1 : 0);
