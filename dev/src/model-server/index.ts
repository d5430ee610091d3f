import type { AddressInfo } from "node:net";
import { rateFromEnv } from "./pacing.ts";
import { ResponseLog } from "./response-log.ts";
import { ScriptStore } from "./script-store.ts";
import { createModelHttpServer } from "./server.ts";

export { addScript, clearLog, clearScripts, readLog } from "./control-client.ts";
export type { LogEntry, LoggedToolCall, Protocol } from "./response-log.ts";
export type { ScriptedToolCall, ScriptInput, ScriptMatch, ScriptRequest, Step } from "./script-schema.ts";

export interface ModelServerOptions {
  /** 0 picks a free port. Default 8790. */
  port?: number;
  /** Default 127.0.0.1; the server is a local test double and should not be reachable from outside. */
  host?: string;
  /** Default pace of text tokens; default MODEL_TOKENS_PER_SECOND or 20. 0 or Infinity = unpaced. */
  tokensPerSecond?: number;
}

export interface RunningModelServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the scripted model server (OpenAI chat completions + Anthropic messages on real HTTP). */
export async function startModelServer(options: ModelServerOptions = {}): Promise<RunningModelServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createModelHttpServer({
    scripts: new ScriptStore(),
    log: new ResponseLog(),
    tokensPerSecond: options.tokensPerSecond ?? rateFromEnv(),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8790, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Streams in flight would otherwise hold close() open until they finish.
        server.closeAllConnections();
      }),
  };
}
