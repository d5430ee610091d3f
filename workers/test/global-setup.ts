import { applyMigrations } from "@switchboard/db/migrations";
import { startModelServer } from "@switchboard/dev/model-server";
import { startTestDatabaseServer } from "@switchboard/dev/stack";
import { startRelay } from "@switchboard/relay";
import type { TestProject } from "vitest/node";

/**
 * Runs in Node before the workerd tests: a real PostgreSQL with the migrations applied, the relay (SQL over
 * HTTP + LISTEN/NOTIFY fan-out) and the scripted model server. Their addresses reach the worker as bindings.
 */
export default async function setup(project: TestProject) {
  const server = await startTestDatabaseServer();
  const databaseUrl = await server.createDatabase("worker_test");
  await applyMigrations(databaseUrl);
  const relaySecret = "test-relay-secret-test-relay-secret-0123456789";
  const relay = await startRelay({ databaseUrl, relaySecret, port: 0 });
  const model = await startModelServer({ port: 0, tokensPerSecond: 200 });
  project.provide("databaseUrl", databaseUrl);
  project.provide("relayUrl", relay.url);
  project.provide("relaySecret", relaySecret);
  project.provide("modelServerUrl", model.url);
  return async () => {
    await model.close();
    await relay.close();
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    relayUrl: string;
    relaySecret: string;
    modelServerUrl: string;
  }
}
