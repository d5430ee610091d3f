import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations } from "@switchboard/db/migrations";
import { startModelServer } from "@switchboard/dev/model-server";
import { startTestDatabaseServer } from "@switchboard/dev/stack";
import { startRelay } from "@switchboard/relay";
import { startWorkspaceHost } from "@switchboard/workspace-host";
import type { TestProject } from "vitest/node";
import { startRedirectServer } from "./support/redirect-server.ts";

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
  const redirects = await startRedirectServer();
  // The workspace host (stdio MCP servers, team workspaces) in-process, on its own temporary data directory.
  const workspaceHostSecret = "test-workspace-host-secret-0123456789abcdef";
  const workspaceHostDataDir = await mkdtemp(path.join(tmpdir(), "worker-test-workspace-host-"));
  const workspaceHost = await startWorkspaceHost({
    port: 0,
    secret: workspaceHostSecret,
    dataDir: workspaceHostDataDir,
  });
  project.provide("databaseUrl", databaseUrl);
  project.provide("relayUrl", relay.url);
  project.provide("relaySecret", relaySecret);
  project.provide("modelServerUrl", model.url);
  project.provide("redirectServerUrl", redirects.url);
  project.provide("workspaceHostUrl", workspaceHost.url);
  project.provide("workspaceHostSecret", workspaceHostSecret);
  return async () => {
    await redirects.close();
    await workspaceHost.close();
    await rm(workspaceHostDataDir, { recursive: true, force: true });
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
    /** The loopback server of the guarded-fetch redirect tests (test/support/redirect-server.ts). */
    redirectServerUrl: string;
    /** The in-process workspace host and the secret its bridge tokens are sealed with. */
    workspaceHostUrl: string;
    workspaceHostSecret: string;
  }
}
