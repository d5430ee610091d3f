import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { FileErrorCode, WorkspaceFileError } from "./files.ts";

/** A checked location inside the workspace. */
export interface InsidePath {
  /** Normalized, relative to the root, `/`-separated; `.` for the root itself. */
  relative: string;
  /** Absolute path on the host. */
  absolute: string;
}

/**
 * Turns a caller's path into one inside `root`, refusing absolute paths, `..` that climbs out, and symbolic
 * links (anywhere along the path) whose target is outside. Missing trailing components are fine (a file to
 * create); the nearest existing ancestor must resolve inside.
 * @example await insidePath("/srv/ws/team-…", "notes/../todo.md") // { relative: "todo.md", absolute: … }
 */
export async function insidePath(root: string, requested: string): Promise<InsidePath> {
  if (requested.includes("\0")) throw invalid(`Path ${JSON.stringify(requested)} contains a NUL byte`);
  const trimmed = requested.trim() === "" ? "." : requested;
  if (path.isAbsolute(trimmed) || /^[a-zA-Z]:[\\/]/.test(trimmed) || trimmed.startsWith("\\")) {
    throw new WorkspaceFileError(
      FileErrorCode.outsideWorkspace,
      `Path ${JSON.stringify(requested)} is absolute; use a path relative to the workspace root, e.g. "notes/todo.md"`,
    );
  }
  const relative = path.posix.normalize(trimmed.replaceAll("\\", "/")).replace(/\/+$/, "") || ".";
  if (relative === ".." || relative.startsWith("../")) {
    throw new WorkspaceFileError(
      FileErrorCode.outsideWorkspace,
      `Path ${JSON.stringify(requested)} leaves the workspace: ".." may not climb above the workspace root`,
    );
  }
  const realRoot = await realpath(root);
  const absolute = relative === "." ? realRoot : path.join(realRoot, relative);
  const resolved = await realpath(await nearestExisting(absolute)).catch((error: NodeJS.ErrnoException) => {
    // lstat saw it but realpath cannot follow it: a dangling or looping link, whose target could be anywhere.
    if (error.code === "ENOENT" || error.code === "ELOOP") {
      throw new WorkspaceFileError(
        FileErrorCode.outsideWorkspace,
        `Path ${JSON.stringify(requested)} goes through a symbolic link that points nowhere or loops`,
      );
    }
    throw error;
  });
  if (resolved !== realRoot && !resolved.startsWith(realRoot + path.sep)) {
    throw new WorkspaceFileError(
      FileErrorCode.outsideWorkspace,
      `Path ${JSON.stringify(requested)} goes through a symbolic link that points outside the workspace`,
    );
  }
  return { relative, absolute };
}

async function nearestExisting(absolute: string): Promise<string> {
  let current = absolute;
  for (;;) {
    try {
      await lstat(current);
      return current;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

const invalid = (message: string) => new WorkspaceFileError(FileErrorCode.invalidPath, message);
