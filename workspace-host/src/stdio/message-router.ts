import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type ProgressToken,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../log.ts";

/** Server messages kept while the client has no stream open to carry them. */
const MAX_QUEUED = 100;

export interface MessageRouterOptions {
  /** The Streamable HTTP side (towards the platform). */
  client: Transport;
  /** The stdio side (towards the child). */
  child: Transport;
  /**
   * Hide the client's `roots` capability from the child. For servers that take client roots as their
   * sandbox (the reference filesystem server replaces its allowed directories with them), because roots
   * name directories of the client's machine, which mean nothing, or too much, on the host.
   */
  withholdClientRoots: boolean;
  log: Logger;
  label: string;
}

/**
 * Forwards raw JSON-RPC both ways and decides which HTTP stream carries each message from the child.
 * A stdio line says nothing about which request it belongs to, so: responses go by their id; progress goes
 * to the request that asked for it (its `progressToken`); anything else (logging, list_changed, sampling,
 * elicitation, roots requests) goes to the standalone GET stream when the client has one open, else to the
 * newest request in flight, else it waits for the next stream the client opens.
 */
export class MessageRouter {
  private readonly inFlight = new Map<RequestId, ProgressToken | undefined>();
  private readonly queued: JSONRPCMessage[] = [];
  private standaloneOpen = false;
  private droppedWarned = false;

  constructor(private readonly options: MessageRouterOptions) {}

  /** Requests of the client the child has not answered yet. */
  get pending(): RequestId[] {
    return [...this.inFlight.keys()];
  }

  async fromClient(message: JSONRPCMessage): Promise<void> {
    if (isJSONRPCRequest(message)) {
      const meta = message.params?._meta as { progressToken?: ProgressToken } | undefined;
      this.inFlight.set(message.id, meta?.progressToken);
      if (message.method === "initialize" && this.options.withholdClientRoots) {
        const capabilities = (message.params as { capabilities?: Record<string, unknown> }).capabilities;
        if (capabilities) delete capabilities.roots;
      }
    } else if (isJSONRPCNotification(message)) {
      if (message.method === "notifications/roots/list_changed" && this.options.withholdClientRoots) return;
      // A cancelled request may never be answered; it must not keep the session busy forever.
      if (message.method === "notifications/cancelled") {
        const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
        if (requestId !== undefined) this.inFlight.delete(requestId);
      }
    }
    try {
      await this.options.child.send(message);
    } catch (error) {
      this.options.log.warn(`${this.options.label}: could not write to the MCP server process`, { error });
    }
    if (isJSONRPCRequest(message) && !this.standaloneOpen) this.flushTo(message.id);
  }

  fromChild(message: JSONRPCMessage): void {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      if (message.id !== undefined) this.inFlight.delete(message.id);
      this.deliver(message);
      return;
    }
    const related = this.relatedRequest(message);
    if (related !== undefined) this.deliver(message, related);
    else if (this.standaloneOpen) this.deliver(message);
    else this.enqueue(message);
  }

  /** The client opened its GET stream: queued messages go out on it. */
  standaloneOpened(): void {
    this.standaloneOpen = true;
    for (const message of this.queued.splice(0)) this.deliver(message);
  }

  standaloneClosed(): void {
    this.standaloneOpen = false;
  }

  private relatedRequest(message: JSONRPCMessage): RequestId | undefined {
    if (isJSONRPCNotification(message) && message.method === "notifications/progress") {
      const token = (message.params as { progressToken?: ProgressToken } | undefined)?.progressToken;
      for (const [id, progressToken] of this.inFlight) if (progressToken === token) return id;
    }
    if (this.standaloneOpen) return undefined;
    return [...this.inFlight.keys()].at(-1);
  }

  private flushTo(requestId: RequestId): void {
    for (const message of this.queued.splice(0)) this.deliver(message, requestId);
  }

  private enqueue(message: JSONRPCMessage): void {
    this.queued.push(message);
    if (this.queued.length <= MAX_QUEUED) return;
    this.queued.shift();
    if (!this.droppedWarned) {
      this.droppedWarned = true;
      this.options.log.warn(`${this.options.label}: client opens no stream, dropping old server messages`);
    }
  }

  private deliver(message: JSONRPCMessage, relatedRequestId?: RequestId): void {
    const options = relatedRequestId === undefined ? undefined : { relatedRequestId };
    this.options.client.send(message, options).catch((error: unknown) => {
      // The client went away from that stream (closed it, or cancelled the request): nothing to deliver to.
      this.options.log.info(`${this.options.label}: undeliverable server message dropped`, {
        error,
        method: "method" in message ? message.method : undefined,
      });
    });
  }
}
