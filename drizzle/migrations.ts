import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

/** Folder of the drizzle-kit generated SQL migrations and their journal. */
export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * Applies every pending migration (Node only: start-up scripts, test global setup, the relay).
 * @example await applyMigrations(process.env.DATABASE_URL!)
 */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "switchboard-migrate" });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}
