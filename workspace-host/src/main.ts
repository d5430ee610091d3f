import { ConfigError, loadConfig } from "./config.ts";
import { startWorkspaceHost } from "./index.ts";
import { consoleLogger as log } from "./log.ts";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const host = await startWorkspaceHost({
  port: config.port,
  host: config.host,
  secret: config.secret,
  dataDir: config.dataDir,
  allowedOrigins: config.allowedOrigins,
  idleMs: config.idleMs,
  log,
});
log.info("workspace-host listening", { url: host.url, dataDir: config.dataDir });

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info("workspace-host stopping", { signal });
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("workspace-host did not stop cleanly", { error });
        process.exit(1);
      },
    );
  });
}
