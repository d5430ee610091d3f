import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, realpath, rmdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import {
  type FileEntry,
  FileErrorCode,
  type FileList,
  WorkspaceFileError,
  type WorkspaceFiles,
} from "./files.ts";
import { globMatcher } from "./glob.ts";
import { insidePath } from "./safe-path.ts";

export interface DirectoryFilesLimits {
  /** Largest file read_file returns. */
  maxReadBytes: number;
  /** Largest content write_file accepts. */
  maxWriteBytes: number;
  /** Entries list_files returns at most. */
  maxListEntries: number;
  /** Matches search_files returns at most. */
  maxSearchResults: number;
  /** Entries search_files visits at most, so a huge tree cannot stall the host. */
  maxSearchVisits: number;
}

export const defaultDirectoryFilesLimits: DirectoryFilesLimits = {
  maxReadBytes: 1024 * 1024,
  maxWriteBytes: 1024 * 1024,
  maxListEntries: 1000,
  maxSearchResults: 200,
  maxSearchVisits: 20_000,
};

const show = (p: string) => JSON.stringify(p);
const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

/**
 * `WorkspaceFiles` on a directory of the host: every path goes through `insidePath`, so `..`, absolute
 * paths and symbolic links that lead out are refused. Writes never follow a link in the last component.
 * @example const files = new DirectoryFiles("/srv/workspace-host/workspaces/team-…"); await files.read("a.md");
 */
export class DirectoryFiles implements WorkspaceFiles {
  constructor(
    private readonly root: string,
    private readonly limits: DirectoryFilesLimits = defaultDirectoryFilesLimits,
  ) {}

  async list(requested: string): Promise<FileList> {
    const dir = await insidePath(this.root, requested);
    const info = await stat(dir.absolute).catch(notFound(requested));
    if (!info.isDirectory()) {
      throw new WorkspaceFileError(
        FileErrorCode.notADirectory,
        `${show(requested)} is a file, not a directory`,
      );
    }
    const dirents = (await readdir(dir.absolute, { withFileTypes: true })).sort(byName);
    const entries: FileEntry[] = [];
    for (const dirent of dirents.slice(0, this.limits.maxListEntries)) {
      const relative = dir.relative === "." ? dirent.name : `${dir.relative}/${dirent.name}`;
      const type = dirent.isFile()
        ? "file"
        : dirent.isDirectory()
          ? "directory"
          : dirent.isSymbolicLink()
            ? "symlink"
            : "other";
      const size = type === "file" ? (await lstat(path.join(dir.absolute, dirent.name))).size : 0;
      entries.push({ path: relative, type, size });
    }
    return { entries, truncated: dirents.length > entries.length };
  }

  async read(requested: string): Promise<string> {
    const file = await insidePath(this.root, requested);
    const info = await stat(file.absolute).catch(notFound(requested));
    if (!info.isFile())
      throw new WorkspaceFileError(FileErrorCode.notAFile, `${show(requested)} is not a file`);
    if (info.size > this.limits.maxReadBytes) {
      throw new WorkspaceFileError(
        FileErrorCode.tooLarge,
        `${show(requested)} is ${kib(info.size)}; read_file returns files up to ${kib(this.limits.maxReadBytes)}`,
      );
    }
    const bytes = await readFile(file.absolute);
    if (bytes.subarray(0, 8192).includes(0)) {
      throw new WorkspaceFileError(
        FileErrorCode.binary,
        `${show(requested)} is a binary file; read_file returns text`,
      );
    }
    return bytes.toString("utf8");
  }

  async write(requested: string, content: string): Promise<{ bytes: number; created: boolean }> {
    const bytes = Buffer.byteLength(content, "utf8");
    if (bytes > this.limits.maxWriteBytes) {
      throw new WorkspaceFileError(
        FileErrorCode.tooLarge,
        `The content is ${kib(bytes)}; write_file accepts up to ${kib(this.limits.maxWriteBytes)}`,
      );
    }
    const file = await insidePath(this.root, requested);
    if (file.relative === ".")
      throw new WorkspaceFileError(FileErrorCode.notAFile, "The workspace root is a directory");
    const existing = await lstat(file.absolute).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new WorkspaceFileError(FileErrorCode.notAFile, `${show(requested)} is a directory`);
    }
    // A link inside the workspace to a file inside it may be written through; insidePath checked where it
    // leads, and writing to that target with O_NOFOLLOW means a link swapped in meanwhile is not followed.
    const target = existing?.isSymbolicLink() ? await realpath(file.absolute) : file.absolute;
    await mkdir(path.dirname(target), { recursive: true }).catch(notADirectory(requested));
    const handle = await open(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    ).catch(notADirectory(requested));
    try {
      await handle.writeFile(content, "utf8");
    } finally {
      await handle.close();
    }
    return { bytes, created: existing === undefined };
  }

  async remove(requested: string): Promise<void> {
    const entry = await insidePath(this.root, requested);
    if (entry.relative === ".") {
      throw new WorkspaceFileError(FileErrorCode.invalidPath, "The workspace root itself cannot be deleted");
    }
    const info = await lstat(entry.absolute).catch(notFound(requested));
    if (!info.isDirectory()) {
      await unlink(entry.absolute);
      return;
    }
    await rmdir(entry.absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOTEMPTY" || error.code === "EEXIST") {
        throw new WorkspaceFileError(
          FileErrorCode.notEmpty,
          `Directory ${show(requested)} is not empty; delete the files in it first`,
        );
      }
      throw error;
    });
  }

  async makeDirectory(requested: string): Promise<{ created: boolean }> {
    const dir = await insidePath(this.root, requested);
    const existing = await lstat(dir.absolute).catch(() => undefined);
    if (existing?.isDirectory()) return { created: false };
    if (existing)
      throw new WorkspaceFileError(FileErrorCode.alreadyExists, `${show(requested)} exists and is a file`);
    await mkdir(dir.absolute, { recursive: true }).catch(notADirectory(requested));
    return { created: true };
  }

  async search(pattern: string): Promise<{ matches: string[]; truncated: boolean }> {
    const matches = globMatcher(pattern);
    const found: string[] = [];
    let visits = 0;
    let truncated = false;
    const realRoot = await realpath(this.root);
    // Breadth-first without following links: a link is listed by name but never entered.
    const queue: string[] = ["."];
    while (queue.length > 0) {
      const relative = queue.shift() as string;
      const dirents = await readdir(path.join(realRoot, relative), { withFileTypes: true }).catch(() => []);
      for (const dirent of dirents.sort(byName)) {
        visits += 1;
        const child = relative === "." ? dirent.name : `${relative}/${dirent.name}`;
        if (matches(child)) found.push(dirent.isDirectory() ? `${child}/` : child);
        if (dirent.isDirectory()) queue.push(child);
        if (found.length >= this.limits.maxSearchResults || visits >= this.limits.maxSearchVisits) {
          truncated = true;
          return { matches: found, truncated };
        }
      }
    }
    return { matches: found, truncated };
  }
}

// Code-point order: the same listing on every machine, whatever its locale.
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function notFound(requested: string) {
  return (error: NodeJS.ErrnoException): never => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") {
      throw new WorkspaceFileError(
        FileErrorCode.notFound,
        `Nothing at ${show(requested)}; list_files shows what exists`,
        { cause: error },
      );
    }
    throw error;
  };
}

function notADirectory(requested: string) {
  return (error: NodeJS.ErrnoException): never => {
    if (error.code === "ENOTDIR" || error.code === "EEXIST") {
      throw new WorkspaceFileError(
        FileErrorCode.notADirectory,
        `A parent of ${show(requested)} is a file, not a directory`,
        { cause: error },
      );
    }
    if (error.code === "ELOOP") {
      throw new WorkspaceFileError(
        FileErrorCode.outsideWorkspace,
        `${show(requested)} was replaced by a symbolic link while writing`,
        { cause: error },
      );
    }
    throw error;
  };
}
