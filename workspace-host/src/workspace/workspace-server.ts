import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Logger } from "../log.ts";
import { type FileEntry, WorkspaceFileError, type WorkspaceFiles } from "./files.ts";

const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });
const failure = (value: string): CallToolResult => ({
  content: [{ type: "text", text: value }],
  isError: true,
});

const PathField = z
  .string()
  .min(1)
  .max(1024)
  .describe('Path relative to the workspace root, e.g. "notes/todo.md"; absolute paths and ".." are refused');

const entryLine = (e: FileEntry) =>
  e.type === "directory"
    ? `dir   ${e.path}/`
    : e.type === "file"
      ? `file  ${e.path}  (${e.size} bytes)`
      : `${e.type.padEnd(5)} ${e.path}`;

/**
 * The team workspace as an MCP server: six file tools over a `WorkspaceFiles`. A refused or failed operation
 * is an `isError` result whose text says what was wrong, never a thrown protocol error, so the model can
 * correct itself.
 * @example const server = createWorkspaceServer(new DirectoryFiles(dir), log); await server.connect(transport);
 */
export function createWorkspaceServer(files: WorkspaceFiles, log: Logger): McpServer {
  const server = new McpServer(
    { name: "switchboard-workspace", title: "Team workspace", version: "0.1.0" },
    {
      instructions:
        "Files of the team's persistent workspace. Paths are relative to the workspace root; text files only.",
    },
  );

  // One wrapper for every tool: refusals become readable results, surprises are logged and reported briefly.
  const run =
    <A>(tool: string, body: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return await body(args);
      } catch (error) {
        if (error instanceof WorkspaceFileError) return failure(error.message);
        log.error("workspace tool failed", { tool, error });
        return failure(`${tool} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };

  server.registerTool(
    "list_files",
    {
      title: "List files",
      description: "List the files and directories in a workspace directory (not recursive).",
      inputSchema: {
        path: PathField.optional().describe(
          'Directory relative to the workspace root; omit for the root (".")',
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run("list_files", async ({ path }: { path?: string | undefined }) => {
      const { entries, truncated } = await files.list(path ?? ".");
      if (entries.length === 0) return text(`${path ?? "The workspace root"} is empty.`);
      const more = truncated ? "\n… more entries not shown; list a subdirectory" : "";
      return text(entries.map(entryLine).join("\n") + more);
    }),
  );

  server.registerTool(
    "read_file",
    {
      title: "Read file",
      description: "Read a text file of the workspace (up to 1 MiB).",
      inputSchema: { path: PathField },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run("read_file", async ({ path }: { path: string }) => text(await files.read(path))),
  );

  server.registerTool(
    "write_file",
    {
      title: "Write file",
      description:
        "Create or replace a text file in the workspace (up to 1 MiB); missing parent directories are created.",
      inputSchema: {
        path: PathField,
        content: z.string().describe("The complete new content of the file, as UTF-8 text"),
      },
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    run("write_file", async ({ path, content }: { path: string; content: string }) => {
      const { bytes, created } = await files.write(path, content);
      return text(`${created ? "Created" : "Replaced"} ${path} (${bytes} bytes).`);
    }),
  );

  server.registerTool(
    "delete_file",
    {
      title: "Delete file",
      description: "Delete a file, a symbolic link or an empty directory of the workspace.",
      inputSchema: { path: PathField },
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    run("delete_file", async ({ path }: { path: string }) => {
      await files.remove(path);
      return text(`Deleted ${path}.`);
    }),
  );

  server.registerTool(
    "make_directory",
    {
      title: "Make directory",
      description: "Create a directory (and any missing parents) in the workspace.",
      inputSchema: { path: PathField },
      annotations: { idempotentHint: true, openWorldHint: false },
    },
    run("make_directory", async ({ path }: { path: string }) => {
      const { created } = await files.makeDirectory(path);
      return text(created ? `Created directory ${path}.` : `Directory ${path} already exists.`);
    }),
  );

  server.registerTool(
    "search_files",
    {
      title: "Search files",
      description: "Find files and directories by name anywhere in the workspace.",
      inputSchema: {
        pattern: z
          .string()
          .min(1)
          .max(256)
          .describe(
            'A glob ("*.md", "docs/**/*.ts"; without "/" it matches names) or, without * and ?, a case-insensitive part of a name',
          ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run("search_files", async ({ pattern }: { pattern: string }) => {
      const { matches, truncated } = await files.search(pattern);
      if (matches.length === 0) return text(`No files match ${JSON.stringify(pattern)}.`);
      return text(matches.join("\n") + (truncated ? "\n… more matches not shown; narrow the pattern" : ""));
    }),
  );

  return server;
}
