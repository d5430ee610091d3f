import type { Machine } from "../machine.ts";
import type { NodeOverhead } from "./node-overhead.ts";
import type { NodeStartup } from "./node-startup.ts";
import type { StackStartup } from "./stack-startup.ts";
import type { StackToolCalls } from "./stack-tool-calls.ts";
import type { StackToolList } from "./stack-tool-list.ts";

/** Everything `npm run bench:mcp` measured; written to bench/results/mcp.json and rendered as markdown. */
export interface McpBenchResults {
  machine: Machine;
  quick: boolean;
  /** Where the stack's code ran from: the working tree, or a frozen copy of it taken at the start. */
  stackCode: "working tree" | "working-tree copy";
  /** Wall time of the whole benchmark, seconds. */
  runSeconds: number;
  /** Other processes' CPU (% of one core) just before each part, as a measure of how shared the machine was. */
  othersCpuPercent: Record<string, number>;
  /** wrangler dev restarted workerd during the stack part (a source file changed): those figures are void. */
  workerReloaded: boolean;
  node: { overhead: NodeOverhead; startup: NodeStartup };
  stack: { toolList: StackToolList; toolCalls: StackToolCalls; startup: StackStartup };
}
