export { startEmbeddedPostgres } from "./embedded-postgres.ts";
export { dataDir, repoRoot } from "./paths.ts";
export { defaultPorts, type StackPorts } from "./ports.ts";
export { type RunningStack, type StackOptions, startStack } from "./stack.ts";
export { waitForHttp } from "./supervisor.ts";
export { startTestDatabaseServer, type TestDatabaseServer } from "./test-database.ts";
