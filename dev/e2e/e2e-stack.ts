import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import {
  dataDir,
  type RunningStack,
  startStack,
  startTestDatabaseServer,
  type TestDatabaseServer,
} from "../src/stack/index.ts";

export interface E2eStack extends RunningStack {
  close(): Promise<void>;
}

/** The whole platform on its own ports and database, torn down after the suite. */
export async function startE2eStack(): Promise<E2eStack> {
  const base = 21000 + Math.floor(Math.random() * 2000) * 5;
  const directory = path.join(dataDir, `e2e-${randomUUID().slice(0, 8)}`);
  let database: TestDatabaseServer | undefined;
  try {
    database = await startTestDatabaseServer();
    const databaseUrl = await database.createDatabase("e2e");
    const stack = await startStack({
      ports: {
        worker: base,
        relay: base + 1,
        workspaceHost: base + 2,
        modelServer: base + 3,
        postgres: base + 4,
      },
      dataDir: directory,
      databaseUrl,
      persistent: false,
      quiet: process.env.STACK_LOGS !== "1",
    });
    const server = database;
    return {
      ...stack,
      async close() {
        await stack.stop();
        await server.stop();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await database?.stop();
    throw error;
  }
}

/** Tells the scripted model server exactly what to answer to a message containing `marker`. */
export async function scriptReply(
  modelServerUrl: string,
  marker: string,
  text: string,
  tokensPerSecond: number,
): Promise<void> {
  const response = await fetch(`${modelServerUrl}/_scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: { userIncludes: marker }, steps: [{ text, tokensPerSecond }] }),
  });
  if (response.status !== 201)
    throw new Error(`scripting failed: ${response.status} ${await response.text()}`);
}
