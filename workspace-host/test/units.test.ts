import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { MCP_CATALOG } from "@switchboard/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { childEnv } from "../src/stdio/child-env.ts";
import {
  ownerRoot,
  resolvePackageBin,
  type StdioCatalogEntry,
  stdioCatalogEntry,
  stdioCommand,
} from "../src/stdio/launch.ts";
import { globMatcher } from "../src/workspace/glob.ts";
import { claims, connect, startTestHost, stdioUrl, type TestHost, textOf, token } from "./helpers.ts";

function entry(id: string): StdioCatalogEntry {
  const found = stdioCatalogEntry(id);
  if (!found) throw new Error(`no stdio entry ${id}`);
  return found;
}

describe("catalog commands", () => {
  it.each(MCP_CATALOG.filter((e) => e.stdio).map((e) => [e.id, e.stdio?.package, e.stdio?.bin] as const))(
    "%s: the bin the catalog names exists in the installed package",
    (id, pkg, bin) => {
      const file = resolvePackageBin(pkg as string, bin as string);
      expect(file).toContain(`node_modules/${pkg}/`);
      expect(existsSync(file)).toBe(true);
      expect(stdioCatalogEntry(id)).toBeDefined();
    },
  );

  it("only stdio entries are bridged", () => {
    expect(stdioCatalogEntry("workspace")).toBeUndefined();
    expect(stdioCatalogEntry("github")).toBeUndefined();
    expect(stdioCatalogEntry("nope")).toBeUndefined();
  });

  it("refuses a package or bin that is not installed", () => {
    expect(() => resolvePackageBin("@modelcontextprotocol/server-memory", "rm")).toThrow(/no bin named rm/);
    expect(() => resolvePackageBin("left-pad-not-installed", "x")).toThrow(/not installed/);
  });

  it("runs the bin with the host's node, {root} substituted, in the owner's new directory", async () => {
    const own = `user:${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`;
    const dataDir = `${process.env.TMPDIR ?? "/tmp"}/wh-units-${process.pid}`;
    const command = await stdioCommand(entry("filesystem"), { own, env: {} }, dataDir);
    const root = ownerRoot(dataDir, own);
    expect(root).toMatch(/owners\/user-00000000-0000-4000-8000-000000000000$/);
    expect(command.command).toBe(process.execPath);
    expect(command.args).toEqual([
      resolvePackageBin("@modelcontextprotocol/server-filesystem", "mcp-server-filesystem"),
      root,
    ]);
    expect(command.cwd).toBe(root);
    expect((await stat(root)).isDirectory()).toBe(true);
  });
});

describe("childEnv", () => {
  const brave = entry("brave-search");
  const memory = entry("memory");

  it("passes only the credential variables the entry declares", () => {
    const env = childEnv({
      launch: brave.stdio,
      credentialFields: brave.credentialFields,
      root: "/data/owners/team-x",
      tokenEnv: { BRAVE_API_KEY: "key", NODE_OPTIONS: "--require /tmp/evil.js", PATH: "/evil", HOME: "/" },
      hostEnv: { LANG: "en_US.UTF-8", WORKSPACE_HOST_SECRET: "s3cret", AWS_SECRET_ACCESS_KEY: "k" },
    });
    expect(env).toEqual({
      PATH: expect.not.stringContaining("/evil"),
      HOME: "/data/owners/team-x",
      LANG: "en_US.UTF-8",
      BRAVE_API_KEY: "key",
    });
  });

  it("substitutes {root} in the entry's env, and falls back to C.UTF-8", () => {
    const env = childEnv({
      launch: memory.stdio,
      credentialFields: memory.credentialFields,
      root: "/data/owners/team-x",
      tokenEnv: { BRAVE_API_KEY: "not for this entry" },
      hostEnv: {},
    });
    expect(env).toMatchObject({ MEMORY_FILE_PATH: "/data/owners/team-x/memory.jsonl", LANG: "C.UTF-8" });
    expect(env).not.toHaveProperty("BRAVE_API_KEY");
  });
});

describe("the environment a real child sees (server-everything's get-env)", () => {
  let host: TestHost;
  beforeAll(async () => {
    process.env.WORKSPACE_HOST_TEST_CANARY = "must-not-leak";
    host = await startTestHost();
  });
  afterAll(async () => {
    delete process.env.WORKSPACE_HOST_TEST_CANARY;
    await host?.stop();
  });

  it("has HOME = the owner's directory and none of the host's or the token's other variables", async () => {
    const owner = claims({ env: { BRAVE_API_KEY: "not-declared-by-everything", SECRET: "x" } });
    const { client, transport } = await connect(stdioUrl(host, "everything"), await token(owner));
    const env = JSON.parse(textOf(await client.callTool({ name: "get-env", arguments: {} }))) as Record<
      string,
      string
    >;
    expect(env.HOME).toBe(ownerRoot(host.dataDir, owner.own));
    // PATH, HOME, LANG are ours; LOGNAME, SHELL, TERM and USER are the SDK transport's fixed inherited list.
    for (const key of Object.keys(env)) {
      expect(["PATH", "HOME", "LANG", "LOGNAME", "SHELL", "TERM", "USER"]).toContain(key);
    }
    await transport.terminateSession();
  });
});

describe("globMatcher", () => {
  it.each([
    ["*.md", "notes/todo.md", true],
    ["*.md", "notes/todo.mdx", false],
    ["notes/*.md", "notes/todo.md", true],
    ["notes/*.md", "notes/a/todo.md", false],
    ["**/*.ts", "a/b/c.ts", true],
    ["src/**/*.ts", "src/x.ts", true],
    ["src/**/*.ts", "lib/x.ts", false],
    ["tod?.md", "todo.md", true],
    ["TODO", "notes/todo.md", true],
    ["a+b(c)", "a+b(c).txt", true],
    ["[a]*", "[a]x", true],
  ])("%s matches %s: %s", (pattern, p, expected) => {
    expect(globMatcher(pattern)(p)).toBe(expected);
  });
});

describe("loadConfig", () => {
  const secret = "s".repeat(32);
  it("has defaults for everything but the secret", () => {
    const config = loadConfig({ WORKSPACE_HOST_SECRET: secret });
    expect(config).toMatchObject({ port: 8789, host: "127.0.0.1", allowedOrigins: [], idleMs: 600_000 });
    expect(config.dataDir).toMatch(/\.data\/workspace-host$/);
  });
  it("parses origins and the idle timeout", () => {
    const config = loadConfig({
      WORKSPACE_HOST_SECRET: secret,
      WORKSPACE_HOST_ALLOWED_ORIGINS: " https://a.test, ,https://b.test",
      WORKSPACE_HOST_IDLE_MS: "60000",
      WORKSPACE_HOST_PORT: "0",
    });
    expect(config).toMatchObject({
      allowedOrigins: ["https://a.test", "https://b.test"],
      idleMs: 60_000,
      port: 0,
    });
  });
  it("names a missing or short secret", () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ WORKSPACE_HOST_SECRET: "short" })).toThrow(
      /WORKSPACE_HOST_SECRET must be at least 32/,
    );
  });
});
