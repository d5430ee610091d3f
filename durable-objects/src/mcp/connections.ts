import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type ConnectDeps, connectMcpServer } from "./client-factory.ts";
import type { McpServerSpec } from "./server-spec.ts";

/**
 * The run's MCP connections, opened on first use (lazy loading: an agent with fifty servers connects to
 * none until the model calls one of their tools) and closed when the run ends.
 */
export class McpConnections {
  readonly #open = new Map<string, Promise<Client>>();

  constructor(private readonly deps: (spec: McpServerSpec) => ConnectDeps) {}

  /** The connected client for a server, connecting now if this run has not yet. */
  get(spec: McpServerSpec): Promise<Client> {
    let client = this.#open.get(spec.id);
    if (!client) {
      client = connectMcpServer(spec, this.deps(spec));
      this.#open.set(spec.id, client);
      // A failed connect is not cached, so the retry reconnects.
      client.catch(() => this.#open.delete(spec.id));
    }
    return client;
  }

  /** Drops a connection after a transport failure so the next call reconnects. */
  async reset(serverId: string): Promise<void> {
    const client = this.#open.get(serverId);
    this.#open.delete(serverId);
    await client?.then((c) => c.close()).catch(() => undefined);
  }

  get openCount(): number {
    return this.#open.size;
  }

  async closeAll(): Promise<void> {
    const clients = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(clients.map((c) => c.then((client) => client.close())));
  }
}
