import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceDir } from "../src/workspace/workspace-session.ts";
import { claims, connect, startTestHost, type TestHost, textOf, token, workspaceUrl } from "./helpers.ts";

describe("workspace MCP server", () => {
  let host: TestHost;
  let client: Client;
  let dir: string;
  const owner = claims({ cat: "workspace" });
  const call = (name: string, args: Record<string, unknown> = {}) =>
    client.callTool({ name, arguments: args });

  beforeAll(async () => {
    host = await startTestHost();
    ({ client } = await connect(workspaceUrl(host), await token(owner)));
    dir = workspaceDir(host.dataDir, owner.own);
  });
  afterAll(async () => {
    await client?.close();
    await host?.stop();
  });

  it("lists its six tools, every input field described", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "delete_file",
      "list_files",
      "make_directory",
      "read_file",
      "search_files",
      "write_file",
    ]);
    for (const tool of tools) {
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
  });

  it("writes, reads, lists, searches, makes directories and deletes", async () => {
    expect(textOf(await call("write_file", { path: "notes/todo.md", content: "- ship it\n" }))).toBe(
      "Created notes/todo.md (10 bytes).",
    );
    expect(await readFile(path.join(dir, "notes/todo.md"), "utf8")).toBe("- ship it\n");
    expect(textOf(await call("write_file", { path: "notes/todo.md", content: "- shipped\n" }))).toMatch(
      /^Replaced/,
    );
    expect(textOf(await call("read_file", { path: "notes/todo.md" }))).toBe("- shipped\n");
    expect(textOf(await call("read_file", { path: "./notes/../notes/todo.md" }))).toBe("- shipped\n");

    expect(textOf(await call("make_directory", { path: "src/lib" }))).toBe("Created directory src/lib.");
    expect(textOf(await call("make_directory", { path: "src/lib" }))).toBe(
      "Directory src/lib already exists.",
    );
    await call("write_file", { path: "src/lib/a.ts", content: "export {};" });
    await call("write_file", { path: "README.md", content: "# hi" });

    const root = textOf(await call("list_files"));
    expect(root.split("\n")).toEqual(["file  README.md  (4 bytes)", "dir   notes/", "dir   src/"]);
    expect(textOf(await call("list_files", { path: "src/lib" }))).toBe("file  src/lib/a.ts  (10 bytes)");

    expect(textOf(await call("search_files", { pattern: "*.md" })).split("\n")).toEqual([
      "README.md",
      "notes/todo.md",
    ]);
    expect(textOf(await call("search_files", { pattern: "src/**/*.ts" }))).toBe("src/lib/a.ts");
    expect(textOf(await call("search_files", { pattern: "TODO" }))).toBe("notes/todo.md");
    expect(textOf(await call("search_files", { pattern: "*.py" }))).toBe('No files match "*.py".');

    const notEmpty = await call("delete_file", { path: "src" });
    expect(notEmpty.isError).toBe(true);
    expect(textOf(notEmpty)).toMatch(/not empty/);
    expect(textOf(await call("delete_file", { path: "src/lib/a.ts" }))).toBe("Deleted src/lib/a.ts.");
    expect(textOf(await call("delete_file", { path: "src/lib" }))).toBe("Deleted src/lib.");
    const gone = await call("read_file", { path: "src/lib/a.ts" });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toMatch(/Nothing at "src\/lib\/a.ts"/);
  });

  it.each([
    ["../x", /leaves the workspace/],
    ["notes/../../x", /leaves the workspace/],
    ["..", /leaves the workspace/],
    ["/etc/passwd", /is absolute/],
    ["C:\\Windows\\win.ini", /is absolute/],
  ])("refuses %s with a result that says why", async (p, message) => {
    for (const [tool, args] of [
      ["read_file", { path: p }],
      ["write_file", { path: `${p}/new`, content: "x" }],
      ["list_files", { path: p }],
      ["delete_file", { path: p }],
      ["make_directory", { path: `${p}/d` }],
    ] as const) {
      const result = await call(tool, args);
      expect(result.isError, `${tool} ${p}`).toBe(true);
      expect(textOf(result)).toMatch(message);
    }
  });

  it("refuses symbolic links that lead outside, and dangling ones, for every operation", async () => {
    const outside = path.join(host.dataDir, "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, "secret.txt"), "top secret");
    await symlink(outside, path.join(dir, "escape"));
    await symlink(path.join(outside, "secret.txt"), path.join(dir, "secret-link"));
    await symlink("/nonexistent/target", path.join(dir, "dangling"));

    for (const [tool, args] of [
      ["read_file", { path: "escape/secret.txt" }],
      ["read_file", { path: "secret-link" }],
      ["write_file", { path: "secret-link", content: "overwritten" }],
      ["write_file", { path: "escape/new.txt", content: "x" }],
      ["write_file", { path: "dangling", content: "x" }],
      ["list_files", { path: "escape" }],
      ["make_directory", { path: "escape/sub" }],
      ["delete_file", { path: "escape/secret.txt" }],
    ] as const) {
      const result = await call(tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result)).toMatch(/symbolic link/);
    }
    expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("top secret");
    // The search lists links by name and never descends into them.
    expect(textOf(await call("search_files", { pattern: "secret*" }))).toBe("secret-link");
    // A link inside that stays inside is fine.
    await symlink(path.join(dir, "README.md"), path.join(dir, "readme-link"));
    expect(textOf(await call("read_file", { path: "readme-link" }))).toBe("# hi");
  });

  it("enforces the size limits", async () => {
    const big = "x".repeat(1024 * 1024 + 1);
    const tooBig = await call("write_file", { path: "big.txt", content: big });
    expect(tooBig.isError).toBe(true);
    expect(textOf(tooBig)).toMatch(/accepts up to 1024 KiB/);
    await writeFile(path.join(dir, "big.txt"), big);
    const unreadable = await call("read_file", { path: "big.txt" });
    expect(unreadable.isError).toBe(true);
    expect(textOf(unreadable)).toMatch(/read_file returns files up to 1024 KiB/);
    await writeFile(path.join(dir, "blob.bin"), Buffer.from([1, 0, 2]));
    expect(textOf(await call("read_file", { path: "blob.bin" }))).toMatch(/binary file/);
  });

  it("rejects a missing path argument as invalid input", async () => {
    const result = await call("read_file", {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Input validation error/);
  });

  it("keeps the files across sessions, and each owner has its own workspace", async () => {
    const again = await connect(workspaceUrl(host), await token({ ...owner, sub: claims().sub }));
    expect(textOf(await again.client.callTool({ name: "read_file", arguments: { path: "README.md" } }))).toBe(
      "# hi",
    );
    await again.transport.terminateSession();

    const stranger = await connect(workspaceUrl(host), await token(claims({ cat: "workspace" })));
    const list = await stranger.client.callTool({ name: "list_files", arguments: {} });
    expect(textOf(list)).toBe("The workspace root is empty.");
    await stranger.transport.terminateSession();
  });
});
