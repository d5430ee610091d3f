import type { Database } from "@switchboard/db/client";
import type { StreamEventDraft } from "@switchboard/protocol";
import { McpConnections } from "../../../durable-objects/src/mcp/connections.ts";
import { outboundFetch } from "../../../durable-objects/src/mcp/outbound-fetch.ts";
import type { McpServerSpec } from "../../../durable-objects/src/mcp/server-spec.ts";
import type { ToolCallOutcome, ToolInvokerDeps } from "../../../durable-objects/src/mcp/tool-invoker.ts";
import { DEFAULT_TOOL_LIMITS } from "../../../durable-objects/src/mcp/tool-limits.ts";

/**
 * The platform's MCP modules run in this Node process, wired the way the conversation Durable Object wires
 * them (run-tool-session.ts): the SSRF-guarded fetch under `ALLOW_PRIVATE_NETWORKS=loopback` (what
 * `npm start` sets), a credential opener, a list-changed hook, event emission and a record callback. Only
 * the sinks differ: events and records go to arrays instead of the event log and PostgreSQL, which the
 * Durable Object does after it has taken the call's duration anyway.
 */
export const OUTBOUND_ENV = { ALLOW_PRIVATE_NETWORKS: "loopback" };

/** A custom URL server as a run sees it (what `toServerSpec` makes of an `mcp_servers` row). */
export function customServerSpec(index: number, url: string): McpServerSpec {
  return {
    id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    name: `everything ${index}`,
    transport: "streamable-http",
    url,
    catalogId: null,
    credentialId: null,
    ownerKey: "user:bench",
  };
}

/**
 * A database that must not be used: the paths measured here never touch it before a tool is called (and
 * the call records go to a callback). Every access is counted and fails loudly.
 */
export function untouchableDatabase(): { db: Database; accesses: () => number } {
  let accesses = 0;
  const db = new Proxy(
    {},
    {
      get(_target, property) {
        // Promise resolution and inspection probe `then` and symbols; those are not uses.
        if (property === "then" || typeof property === "symbol") return undefined;
        accesses++;
        throw new Error(`the benchmark's database was used (${String(property)})`);
      },
    },
  ) as Database;
  return { db, accesses: () => accesses };
}

/** The run's connection pool with the platform's dependencies: guarded fetch, no credential, a list hook. */
export function platformConnections(db: Database): {
  connections: McpConnections;
  listChanges: () => number;
} {
  const guardedFetch = outboundFetch(OUTBOUND_ENV);
  let listChanges = 0;
  const connections = new McpConnections(() => ({
    userId: "bench-user",
    db,
    guardedFetch,
    credentialFields: async () => ({}),
    onToolsChanged: () => {
      listChanges++;
    },
  }));
  return { connections, listChanges: () => listChanges };
}

/** The invoker's dependencies as a run has them, with counting sinks for events and records. */
export function invokerDeps(connections: McpConnections): {
  deps: ToolInvokerDeps;
  counts: { events: number; records: number; lastRecord: ToolCallOutcome | undefined };
} {
  const counts = { events: 0, records: 0, lastRecord: undefined as ToolCallOutcome | undefined };
  return {
    counts,
    deps: {
      runId: "11111111-1111-4111-8111-111111111111",
      agentId: "22222222-2222-4222-8222-222222222222",
      connections,
      limits: DEFAULT_TOOL_LIMITS,
      emit: (_draft: StreamEventDraft) => {
        counts.events++;
      },
      record: (outcome) => {
        counts.records++;
        counts.lastRecord = outcome;
      },
      // The Durable Object passes the credential values opened so far; one made-up value keeps the
      // masking passes doing real work (they scan every argument string and the result for it).
      knownSecrets: () => ["bench-secret-value-not-in-any-argument"],
    },
  };
}
