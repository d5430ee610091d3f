import { ErrorCode } from "@switchboard/protocol";
import { Hono } from "hono";
import type pg from "pg";
import { dnsRoute } from "./dns-route.ts";
import type { Listener } from "./listener.ts";
import type { Logger } from "./log.ts";
import { sqlOverHttp } from "./sql-over-http.ts";
import { sseRoute } from "./sse-route.ts";
import type { Subscriptions } from "./subscriptions.ts";

export interface AppDependencies {
  sqlPool: pg.Pool;
  isAuthorizedConnectionString: (connectionString: string | undefined) => boolean;
  maxSqlBodyBytes: number;
  relaySecret: string;
  subscriptions: Subscriptions;
  listener: Listener;
  log: Logger;
}

export interface Health {
  ok: boolean;
  listening: boolean;
  subscribers: number;
  pool: { total: number; idle: number; waiting: number };
}

export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();

  app.get("/healthz", (c) => {
    const body: Health = {
      ok: deps.listener.listening,
      listening: deps.listener.listening,
      subscribers: deps.subscriptions.count,
      pool: {
        total: deps.sqlPool.totalCount,
        idle: deps.sqlPool.idleCount,
        waiting: deps.sqlPool.waitingCount,
      },
    };
    // Always 200: the process is up and serving SQL; `listening` tells whether live events flow right now.
    return c.json(body);
  });

  app.route(
    "/",
    sqlOverHttp({
      pool: deps.sqlPool,
      isAuthorized: deps.isAuthorizedConnectionString,
      maxBodyBytes: deps.maxSqlBodyBytes,
      log: deps.log,
    }),
  );
  app.route("/", sseRoute({ relaySecret: deps.relaySecret, subscriptions: deps.subscriptions }));
  app.route("/", dnsRoute());

  app.notFound((c) => c.json({ error: { code: ErrorCode.notFound, message: "Not found" } }, 404));
  app.onError((error, c) => {
    deps.log.error("unhandled error", { path: c.req.path, error });
    return c.json({ error: { code: ErrorCode.internal, message: "Internal error" } }, 500);
  });
  return app;
}
