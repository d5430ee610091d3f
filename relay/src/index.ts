import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { connectionStringMatcher } from "./connection-string.ts";
import { EventReader } from "./event-reader.ts";
import { Listener } from "./listener.ts";
import { consoleLogger, type Logger } from "./log.ts";
import { createPool } from "./sql-pool.ts";
import { Subscriptions } from "./subscriptions.ts";

export { ConfigError, loadConfig, type RelayConfig } from "./config.ts";
export { consoleLogger, type Logger, silentLogger } from "./log.ts";
export { RELAY_TOKEN_AUDIENCE, RELAY_TOKEN_ISSUER, signRelayToken, verifyRelayToken } from "./relay-token.ts";

export interface StartRelayOptions {
  databaseUrl: string;
  /** HS256 secret shared with the API worker; at least 32 characters. */
  relaySecret: string;
  /** 0 picks a free port. Default 8788. */
  port?: number;
  host?: string;
  /** Connections of the SQL-over-HTTP pool. Default 10. */
  poolMax?: number;
  /** How long a SQL request waits for a pooled connection before answering 503. Default 5000 ms. */
  acquireTimeoutMs?: number;
  /** Default 15 s. */
  heartbeatMs?: number;
  /** Live events buffered for one slow SSE client before it is dropped. Default 10 000. */
  maxQueuedEvents?: number;
  /** Default 10 MB. */
  maxSqlBodyBytes?: number;
  log?: Logger;
}

export interface RunningRelay {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the relay: SQL over HTTP on `POST /sql`, live events on `GET /conversations/:id/events`, and
 * `GET /healthz`. Resolves once the HTTP server listens and the first LISTEN attempt has finished.
 * @example const relay = await startRelay({ databaseUrl, relaySecret, port: 0 }); … await relay.close();
 */
export async function startRelay(options: StartRelayOptions): Promise<RunningRelay> {
  if (options.relaySecret.length < 32) throw new Error("relaySecret must be at least 32 characters");
  const log = options.log ?? consoleLogger;
  const host = options.host ?? "127.0.0.1";
  const isAuthorizedConnectionString = connectionStringMatcher(options.databaseUrl);

  const sqlPool = createPool({
    connectionString: options.databaseUrl,
    applicationName: "switchboard-relay-sql",
    max: options.poolMax ?? 10,
    acquireTimeoutMs: options.acquireTimeoutMs ?? 5000,
    log,
  });
  // Event reads get their own small pool so a flood of SQL requests cannot starve live streams.
  const eventPool = createPool({
    connectionString: options.databaseUrl,
    applicationName: "switchboard-relay-events",
    max: 4,
    acquireTimeoutMs: 10_000,
    log,
  });
  const subscriptions = new Subscriptions({
    reader: new EventReader(eventPool),
    log,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxQueuedEvents: options.maxQueuedEvents ?? 10_000,
  });
  const listener = new Listener({
    databaseUrl: options.databaseUrl,
    onNotification: (n) => subscriptions.notify(n),
    onListening: () => subscriptions.catchUpAll(),
    log,
  });
  await listener.start();

  const app = createApp({
    sqlPool,
    isAuthorizedConnectionString,
    maxSqlBodyBytes: options.maxSqlBodyBytes ?? 10 * 1024 * 1024,
    relaySecret: options.relaySecret,
    subscriptions,
    listener,
    log,
  });

  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve(
        { fetch: app.fetch, port: options.port ?? 8788, hostname: host },
        (info: AddressInfo) => resolve({ server, port: info.port }),
      );
      server.once("error", reject);
    },
  ).catch(async (error) => {
    await listener.close();
    subscriptions.close();
    await Promise.all([sqlPool.end(), eventPool.end()]);
    throw error;
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        // SSE responses never end by themselves; end them first or server.close() would wait forever.
        subscriptions.close();
        await listener.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeAllConnections" in server) server.closeAllConnections();
        });
        await Promise.all([sqlPool.end(), eventPool.end()]);
      })();
      return closing;
    },
  };
}
