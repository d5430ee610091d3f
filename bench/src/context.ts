import type { ApiClient } from "./api-client.ts";
import type { DatabaseMonitor, NotificationRecorder } from "./database-monitor.ts";
import type { BenchStack } from "./stack-runner.ts";

/** What every scenario gets: the running stack, a signed-in user with a demo agent, the monitors. */
export interface BenchContext {
  stack: BenchStack;
  api: ApiClient;
  agentId: string;
  monitor: DatabaseMonitor;
  notifications: NotificationRecorder;
  log(line: string): void;
}
