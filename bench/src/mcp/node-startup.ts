import type { FunctionTool } from "@openai/agents";
import type { CachedTool } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { connectMcpServer } from "../../../durable-objects/src/mcp/client-factory.ts";
import { outboundFetch } from "../../../durable-objects/src/mcp/outbound-fetch.ts";
import { RunToolSession } from "../../../durable-objects/src/mcp/run-tool-session.ts";
import type { ServerToolGrant } from "../../../durable-objects/src/mcp/server-spec.ts";
import { fetchToolList } from "../../../durable-objects/src/mcp/tool-cache.ts";
import { type MicroSummary, microSummary } from "../auth/micro-percentiles.ts";
import type { EverythingServer } from "./everything-server.ts";
import { retainedPerItem } from "./heap.ts";
import { pairDifferences, timePaired } from "./paired-timing.ts";
import {
  customServerSpec,
  OUTBOUND_ENV,
  platformConnections,
  untouchableDatabase,
} from "./platform-in-node.ts";

/**
 * What the agent is granted of each server: all of server-everything's tools, only its `echo` (`names`), a
 * server that has one tool only (so its cached list is small too), or no server at all.
 */
export type GrantShape = "all tools" | "one tool" | "one-tool server" | "none";

export interface StartupShape {
  servers: number;
  grant: GrantShape;
  /** Tools the run hands the model. */
  tools: number;
  /** Bytes of the grants' cached tool lists as JSON (what the run's config carries in). */
  cachedListBytes: number;
  /** `new RunToolSession(…)` + `await session.tools()`, per run. */
  buildMs: MicroSummary;
  /** Heap retained by one run's session and tools (bytes), the grants themselves not counted. */
  heapBytes: number;
  /** Connections open after the tools were built (must be 0). */
  openConnections: number;
}

export interface StartupPair {
  grant: GrantShape;
  five: StartupShape;
  fifty: StartupShape;
  /** 50-server run − 5-server run, pair by pair. */
  difference: MicroSummary;
}

export interface EagerReference {
  servers: number;
  /** Connecting and listing every server at start (what the seed did), all at once. */
  connectMs: MicroSummary;
  /** Heap retained by the open clients (bytes). */
  heapBytes: number;
}

export interface NodeStartup {
  runs: number;
  /** Tools the reference server lists to the platform's client. */
  serverTools: number;
  pairs: StartupPair[];
  /** Sessions the reference server saw while the runs were built (must be 0), and database accesses. */
  serverSessionsOpened: number;
  databaseAccesses: number;
  eager: EagerReference[];
}

const SESSION_ENV = { ...OUTBOUND_ENV, CREDENTIALS_KEYS: "unused-by-runs-that-call-no-tool" };

function grantsFor(count: number, url: string, list: CachedTool[], grant: GrantShape): ServerToolGrant[] {
  return Array.from({ length: count }, (_, i) => ({
    server: customServerSpec(i + 1, url),
    names: grant === "one tool" ? ["echo"] : undefined,
    // Each grant its own copy, as the run config arrives deserialised in the Durable Object.
    cachedTools: structuredClone(list),
  }));
}

function newSession(db: Database, grants: ServerToolGrant[], i: number): RunToolSession {
  return new RunToolSession({
    db,
    env: SESSION_ENV,
    conversationId: "33333333-3333-4333-8333-333333333333",
    runId: `run-${i}`,
    agentId: "22222222-2222-4222-8222-222222222222",
    userId: "bench-user",
    grants,
    audit: { orgId: null, teamId: null, actorId: "bench-user", actorLabel: "b•••@example.com" },
    emit: () => undefined,
  });
}

async function buildTools(
  db: Database,
  grants: ServerToolGrant[],
  i: number,
): Promise<{ session: RunToolSession; tools: FunctionTool[] }> {
  const session = newSession(db, grants, i);
  const tools = await session.tools();
  if (session.openConnections !== 0)
    throw new Error(`building tools opened ${session.openConnections} connection(s)`);
  return { session, tools };
}

/**
 * Run start-up with 5 and 50 granted servers, in this process on the platform's own RunToolSession:
 * the time to get the agent's tools, the heap they keep, and proof that nothing connected. Then, as the
 * reference for what lazy loading avoids, the same servers connected eagerly.
 */
export async function measureNodeStartup(
  server: EverythingServer,
  runs: number,
  log: (line: string) => void,
): Promise<NodeStartup> {
  const { db, accesses } = untouchableDatabase();
  // The real list, as the platform's client sees it (capabilities decide a few of the server's tools).
  const lister = await connectMcpServer(customServerSpec(0, server.url), {
    userId: "bench-user",
    db,
    guardedFetch: outboundFetch(OUTBOUND_ENV),
    credentialFields: async () => ({}),
  });
  const list = await fetchToolList(lister);
  await lister.close();

  const sessionsBefore = server.sessions;
  const pairs: StartupPair[] = [];
  for (const grant of ["all tools", "one tool"] as const) {
    const five = grantsFor(5, server.url, list, grant);
    const fifty = grantsFor(50, server.url, list, grant);
    log(`  ${grant}: ${runs} pairs of runs (5 and 50 servers)`);
    const samples = await timePaired(
      runs,
      Math.max(10, Math.round(runs / 10)),
      (i) => buildTools(db, five, i),
      (i) => buildTools(db, fifty, i),
    );
    const shape = async (grants: ServerToolGrant[], buildMs: number[]): Promise<StartupShape> => {
      const probe = await buildTools(db, grants, -1);
      return {
        servers: grants.length,
        grant,
        tools: probe.tools.length,
        cachedListBytes: JSON.stringify(grants.map((g) => g.cachedTools)).length,
        buildMs: microSummary(buildMs),
        heapBytes: await retainedPerItem(40, (i) => buildTools(db, grants, i)),
        openConnections: probe.session.openConnections,
      };
    };
    pairs.push({
      grant,
      five: await shape(five, samples.a),
      fifty: await shape(fifty, samples.b),
      difference: microSummary(pairDifferences(samples)),
    });
  }
  const serverSessionsOpened = server.sessions - sessionsBefore;

  const eager: EagerReference[] = [];
  for (const count of [5, 50]) {
    log(`  eager reference: connecting ${count} servers at once`);
    const specs = Array.from({ length: count }, (_, i) => customServerSpec(i + 1, server.url));
    const connectAll = async () => {
      const { connections } = platformConnections(db);
      await Promise.all(specs.map(async (spec) => fetchToolList(await connections.get(spec))));
      return connections;
    };
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const connections = await connectAll();
      if (i > 0) times.push(performance.now() - t0);
      await connections.closeAll();
    }
    const open: Awaited<ReturnType<typeof connectAll>>[] = [];
    const heapBytes = await retainedPerItem(3, async () => {
      const connections = await connectAll();
      open.push(connections);
      return connections;
    });
    await Promise.all(open.map((c) => c.closeAll()));
    eager.push({ servers: count, connectMs: microSummary(times), heapBytes });
  }

  return {
    runs,
    serverTools: list.length,
    pairs,
    serverSessionsOpened,
    databaseAccesses: accesses(),
    eager,
  };
}
