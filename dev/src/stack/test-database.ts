import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { dataDir } from "./paths.ts";

export interface TestDatabaseServer {
  /** A connection string to the server's maintenance database. */
  adminUrl: string;
  /** Creates a fresh, empty database and returns its connection string. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server for tests: `TEST_DATABASE_URL` when set (CI points it at the machine's PostgreSQL),
 * otherwise a throwaway embedded PostgreSQL on a free port.
 */
export async function startTestDatabaseServer(): Promise<TestDatabaseServer> {
  const external = process.env.TEST_DATABASE_URL;
  let adminUrl: string;
  let stopServer: () => Promise<void>;
  if (external) {
    adminUrl = external;
    stopServer = async () => undefined;
  } else {
    const directory = path.join(dataDir, `test-pg-${randomUUID().slice(0, 8)}`);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = await startEmbeddedPostgres({ directory, port, persistent: false });
    adminUrl = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    };
  }
  const created: string[] = [];
  return {
    adminUrl,
    async createDatabase(prefix = "switchboard_test") {
      const name = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const client = new pg.Client({
        connectionString: adminUrl,
        application_name: "switchboard-test-setup",
      });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      if (external) {
        const client = new pg.Client({
          connectionString: adminUrl,
          application_name: "switchboard-test-setup",
        });
        await client.connect();
        for (const name of created)
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
        await client.end();
      }
      await stopServer();
    },
  };
}
