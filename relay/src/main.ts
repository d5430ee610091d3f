import { ConfigError, loadConfig } from "./config.ts";
import { startRelay } from "./index.ts";
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

const relay = await startRelay({
  databaseUrl: config.databaseUrl,
  relaySecret: config.relaySecret,
  port: config.port,
  host: config.host,
  poolMax: config.poolMax,
  acquireTimeoutMs: config.acquireTimeoutMs,
  log,
});
log.info("relay listening", { url: relay.url, poolMax: config.poolMax });

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info("relay stopping", { signal });
    relay.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("relay did not stop cleanly", { error });
        process.exit(1);
      },
    );
  });
}
