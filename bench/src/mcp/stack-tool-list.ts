import { type MicroSummary, microSummary } from "../auth/micro-percentiles.ts";
import { connectDirect, directColdList } from "./direct-client.ts";
import type { Comparison } from "./node-overhead.ts";
import { pairDifferences, timeInterleaved, timePaired } from "./paired-timing.ts";
import type { StackContext } from "./stack-context.ts";

export interface StackToolList {
  /** `GET /mcp/servers/:id/tools` from the cache vs the SDK's `listTools()` on an open session. */
  cached: Comparison & { count: number };
  /** `?refresh=true` (connect, list, store, close inside workerd) vs SDK connect + list + close. */
  refresh: Comparison & { count: number };
  /**
   * `GET /api/v1/me` in the same rounds as the cached list: the floor of any authenticated API request
   * (wrangler dev's proxy, the worker, JWT and revocation check), and the cached list minus it.
   */
  apiFloor: { me: MicroSummary; listAboveFloor: MicroSummary };
  /** Tools the API returned (the cache holds what the platform's client was listed). */
  tools: number;
}

/** The tool list through the API, each request paired with the direct SDK equivalent (see timePaired). */
export async function measureStackToolList(ctx: StackContext, count: number): Promise<StackToolList> {
  const { mcp, server, everythingId, log } = ctx;
  const direct = await connectDirect(server.url);
  let tools = 0;
  try {
    log(`  cached list: ${count} rounds of direct listTools, GET /me, GET …/tools`);
    const [directList = [], me = [], cachedList = []] = await timeInterleaved(
      count,
      Math.max(10, Math.round(count / 10)),
      [
        () => direct.listTools(),
        () => mcp.me(),
        async () => {
          const list = await mcp.listTools(everythingId, false);
          if (!list.cached) throw new Error("the cached list was not served from the cache");
          tools = list.tools.length;
        },
      ],
    );
    const cached = { a: directList, b: cachedList };
    const refreshCount = Math.max(20, Math.round(count / 4));
    log(`  refresh: ${refreshCount} pairs of SDK connect + list + close, GET …/tools?refresh=true`);
    const refresh = await timePaired(
      refreshCount,
      5,
      () => directColdList(server.url),
      async () => {
        const list = await mcp.listTools(everythingId, true);
        if (list.cached) throw new Error("refresh=true was served from the cache");
      },
    );
    const compare = (samples: { a: number[]; b: number[] }) => ({
      direct: microSummary(samples.a),
      platform: microSummary(samples.b),
      overhead: microSummary(pairDifferences(samples)),
      count: samples.a.length,
    });
    return {
      cached: compare(cached),
      refresh: compare(refresh),
      apiFloor: {
        me: microSummary(me),
        listAboveFloor: microSummary(pairDifferences({ a: me, b: cachedList })),
      },
      tools,
    };
  } finally {
    await direct.close();
  }
}
