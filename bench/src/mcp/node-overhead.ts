import { connectMcpServer } from "../../../durable-objects/src/mcp/client-factory.ts";
import { outboundFetch } from "../../../durable-objects/src/mcp/outbound-fetch.ts";
import { fetchToolList } from "../../../durable-objects/src/mcp/tool-cache.ts";
import { invokeTool } from "../../../durable-objects/src/mcp/tool-invoker.ts";
import { type MicroSummary, microSummary } from "../auth/micro-percentiles.ts";
import { connectDirect, directColdList, directEcho } from "./direct-client.ts";
import { pairDifferences, timePaired } from "./paired-timing.ts";
import {
  customServerSpec,
  invokerDeps,
  OUTBOUND_ENV,
  platformConnections,
  untouchableDatabase,
} from "./platform-in-node.ts";

/** One comparison: the SDK client alone, the platform's path, and the per-pair difference. */
export interface Comparison {
  direct: MicroSummary;
  platform: MicroSummary;
  /** Platform − direct, pair by pair (p50 of the differences, p99 of the differences). */
  overhead: MicroSummary;
}

export interface NodeOverhead {
  calls: number;
  warmup: number;
  /** `tools/call` of `echo` on an open session: SDK `callTool` vs the platform's `invokeTool`. */
  toolCall: Comparison;
  /** `tools/list` on an open session: SDK `listTools` vs the platform's `fetchToolList` on its connection. */
  toolList: Comparison;
  /** A one-off list (connect, initialize, list, close): SDK vs the platform's `connectMcpServer` + list. */
  coldList: Comparison & { count: number };
  /** Sanity: what the platform's invoker produced for the last measured call. */
  lastResult: string;
  /** Events emitted and records written by the invoker over the whole measurement (2 and 1 per call). */
  events: number;
  records: number;
}

/**
 * The platform's tool-call path against the bare SDK client, both in this Node process, on the same
 * Streamable HTTP server, measured in alternating pairs (see timePaired).
 */
export async function measureNodeOverhead(
  url: string,
  calls: number,
  log: (line: string) => void,
): Promise<NodeOverhead> {
  const warmup = Math.max(20, Math.round(calls / 10));
  const direct = await connectDirect(url);
  const { db } = untouchableDatabase();
  const { connections } = platformConnections(db);
  const { deps, counts } = invokerDeps(connections);
  const spec = customServerSpec(1, url);
  let lastResult = "";
  try {
    // Open the platform's connection before timing, as after a run's first call.
    await connections.get(spec);

    log(`  tools/call: ${calls} pairs after ${warmup} warm-up pairs`);
    const callSamples = await timePaired(
      calls,
      warmup,
      (i) => directEcho(direct, `bench ${i}`),
      async (i) => {
        lastResult = await invokeTool(deps, {
          callId: `call-${i}`,
          server: spec,
          tool: "echo",
          modelName: "everything_1__echo",
          args: { message: `bench ${i}` },
          allowed: true,
        });
        if (lastResult !== `Echo: bench ${i}`) throw new Error(`platform call failed: ${lastResult}`);
      },
    );

    log(`  tools/list: ${calls} pairs`);
    const listSamples = await timePaired(
      calls,
      warmup,
      () => direct.listTools(),
      async () => fetchToolList(await connections.get(spec)),
    );

    const coldCount = Math.max(20, Math.round(calls / 5));
    log(`  connect + list + close: ${coldCount} pairs`);
    const guardedFetch = outboundFetch(OUTBOUND_ENV);
    const coldSamples = await timePaired(
      coldCount,
      5,
      () => directColdList(url),
      async () => {
        // What the API worker's listServerTools does, without the database write.
        const client = await connectMcpServer(spec, {
          userId: "bench-user",
          db,
          guardedFetch,
          credentialFields: async () => ({}),
        });
        try {
          await fetchToolList(client);
        } finally {
          await client.close();
        }
      },
    );

    const compare = (samples: { a: number[]; b: number[] }): Comparison => ({
      direct: microSummary(samples.a),
      platform: microSummary(samples.b),
      overhead: microSummary(pairDifferences(samples)),
    });
    return {
      calls,
      warmup,
      toolCall: compare(callSamples),
      toolList: compare(listSamples),
      coldList: { ...compare(coldSamples), count: coldCount },
      lastResult,
      events: counts.events,
      records: counts.records,
    };
  } finally {
    await direct.close();
    await connections.closeAll();
  }
}
