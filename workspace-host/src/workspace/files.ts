/**
 * The workspace's file operations, all with paths relative to the workspace root. Today a directory on the
 * host implements it (directory-files.ts); the Docker workspace will implement the same interface against
 * a container, and the MCP tools will not change.
 */
export interface WorkspaceFiles {
  list(path: string): Promise<FileList>;
  /** The file as UTF-8 text. */
  read(path: string): Promise<string>;
  /** Creates or replaces the file, creating missing parent directories. */
  write(path: string, content: string): Promise<{ bytes: number; created: boolean }>;
  /** Deletes a file, a symbolic link (not its target) or an empty directory. */
  remove(path: string): Promise<void>;
  makeDirectory(path: string): Promise<{ created: boolean }>;
  search(pattern: string): Promise<{ matches: string[]; truncated: boolean }>;
}

export interface FileEntry {
  /** Relative to the workspace root, `/`-separated. */
  path: string;
  type: "file" | "directory" | "symlink" | "other";
  size: number;
}

export interface FileList {
  entries: FileEntry[];
  truncated: boolean;
}

export const FileErrorCode = {
  outsideWorkspace: "outside_workspace",
  invalidPath: "invalid_path",
  notFound: "not_found",
  alreadyExists: "already_exists",
  notAFile: "not_a_file",
  notADirectory: "not_a_directory",
  notEmpty: "not_empty",
  tooLarge: "too_large",
  binary: "binary",
} as const;
export type FileErrorCode = (typeof FileErrorCode)[keyof typeof FileErrorCode];

/**
 * A request the workspace refuses; the caller (the model) is at fault and the message says how to fix it.
 * Tools turn it into an `isError` result.
 * @example throw new WorkspaceFileError("not_found", 'No file "notes.md"; list_files shows what exists');
 */
export class WorkspaceFileError extends Error {
  override name = "WorkspaceFileError";
  constructor(
    readonly code: FileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
