import { mkdir } from "node:fs/promises";
import path from "node:path";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ownerDirName } from "../auth.ts";
import type { Logger } from "../log.ts";
import type { McpSession, SessionOwner } from "../session-registry.ts";
import { DirectoryFiles } from "./directory-files.ts";
import { createWorkspaceServer } from "./workspace-server.ts";

export interface WorkspaceSessionOptions {
  id: string;
  owner: SessionOwner;
  dataDir: string;
  log: Logger;
  onClosed: (id: string) => void;
}

/** `<dataDir>/workspaces/team-<uuid>`: the owner's workspace directory (the container's volume later). */
export const workspaceDir = (dataDir: string, own: string) =>
  path.join(dataDir, "workspaces", ownerDirName(own));

/**
 * One Streamable HTTP session of the workspace server: its own `McpServer` on its own transport, over the
 * owner's workspace directory.
 * @example const session = await WorkspaceSession.start({ id, owner, dataDir, log, onClosed });
 */
export class WorkspaceSession implements McpSession {
  readonly kind = "workspace" as const;
  readonly catalogId = "workspace";
  readonly pid = undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: WorkspaceSessionOptions,
    private readonly transport: WebStandardStreamableHTTPServerTransport,
    private readonly close_: () => Promise<void>,
  ) {}

  get id(): string {
    return this.options.id;
  }

  get owner(): SessionOwner {
    return this.options.owner;
  }

  static async start(options: WorkspaceSessionOptions): Promise<WorkspaceSession> {
    const root = workspaceDir(options.dataDir, options.owner.own);
    await mkdir(root, { recursive: true, mode: 0o700 });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => options.id });
    const server = createWorkspaceServer(new DirectoryFiles(root), options.log);
    const session: WorkspaceSession = new WorkspaceSession(options, transport, () => server.close());
    // Set before connect(), which chains it: a DELETE closes the transport, and the session with it.
    transport.onclose = () => void session.close("closed by the client");
    await server.connect(transport);
    return session;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  busy(): boolean {
    return false;
  }

  handle(request: Request, options?: { parsedBody?: unknown }): Promise<Response> {
    return this.transport.handleRequest(request, options);
  }

  close(reason: string): Promise<void> {
    if (!this.closing) {
      let done: () => void = () => undefined;
      // Assigned before closing starts: the transport's onclose calls back into close() synchronously.
      this.closing = new Promise<void>((resolve) => {
        done = resolve;
      });
      this.options.onClosed(this.id);
      this.close_()
        .catch((error: unknown) => this.options.log.warn("closing a workspace session failed", { error }))
        .finally(() => {
          this.options.log.info("mcp workspace session closed", { session: this.id, reason });
          done();
        });
    }
    return this.closing;
  }
}
