import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";

/** The driver's global settings (tests swap `fetchFunction` to simulate an overloaded database). */
export { neonConfig };

import * as schema from "./schema/index.ts";

export type Database = ReturnType<typeof createDatabase>;

export interface DatabaseConfig {
  /** PostgreSQL connection string (Neon, or any PostgreSQL behind the relay's SQL-over-HTTP endpoint). */
  databaseUrl: string;
  /**
   * Where SQL-over-HTTP requests go. Unset on Neon (its own endpoint); for self-hosted PostgreSQL the
   * relay's `POST /sql`, e.g. `http://127.0.0.1:8788/sql`.
   */
  sqlEndpoint?: string | undefined;
}

/**
 * A stateless drizzle client over SQL-over-HTTP: each query is one HTTP request, so database connections
 * never grow with the number of Durable Objects or concurrent runs (see docs/design/streaming-and-storage.md).
 * @example const db = createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT });
 */
export function createDatabase(config: DatabaseConfig) {
  // fetchEndpoint is global in the driver; every caller in one isolate shares the same env, so this is stable.
  if (config.sqlEndpoint) neonConfig.fetchEndpoint = config.sqlEndpoint;
  const sql = neon(config.databaseUrl);
  return Object.assign(drizzle({ client: sql, schema }), { sql });
}
