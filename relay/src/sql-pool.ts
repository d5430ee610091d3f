import pg from "pg";
import type { Logger } from "./log.ts";

/**
 * Every value stays PostgreSQL's text. SQL-over-HTTP clients parse types themselves (the neon() driver
 * by `dataTypeID`), and event rows are forwarded as the JSON text they already are.
 */
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

export interface PoolOptions {
  connectionString: string;
  applicationName: string;
  max: number;
  /** How long a request may wait for a free connection (or for a new one to open) before giving up. */
  acquireTimeoutMs: number;
  log: Logger;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max,
    connectionTimeoutMillis: options.acquireTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    types: rawText,
  });
  // An idle connection whose backend goes away (restart, pg_terminate_backend) reports here; without a
  // listener that would be an uncaught 'error' event and take the whole relay down.
  pool.on("error", (error) =>
    options.log.warn("idle database connection failed", { pool: options.applicationName, error }),
  );
  return pool;
}
