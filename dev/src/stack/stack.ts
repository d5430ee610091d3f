import { spawnSync } from "node:child_process";
import path from "node:path";
import { applyMigrations } from "@switchboard/db/migrations";
import { type RunningDatabase, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { binDir, repoRoot } from "./paths.ts";
import type { StackPorts } from "./ports.ts";
import { loadOrCreateSecrets, writeEnvFile } from "./secrets.ts";
import { Supervisor, waitForHttp } from "./supervisor.ts";

export interface StackOptions {
  ports: StackPorts;
  /** Where the embedded database, secrets and local Durable Object state live. */
  dataDir: string;
  /** Use this PostgreSQL instead of the embedded one. */
  databaseUrl?: string | undefined;
  /** Keep the embedded database's data between runs. */
  persistent?: boolean;
  /** Token rate of the scripted model server. */
  tokensPerSecond?: number;
  /** Build the web dashboard before starting (the worker serves it as static assets). */
  buildWeb?: boolean;
  /** Hold the services' logs back and print them only if something fails (tests, benchmarks). */
  quiet?: boolean;
  /** Extra worker settings, e.g. a benchmark's higher `RATE_*` limits. */
  workerEnv?: Record<string, string>;
}

export interface RunningStack {
  url: string;
  databaseUrl: string;
  modelServerUrl: string;
  relayUrl: string;
  stop(): Promise<void>;
}

const SERVICES = ["postgres", "web", "model", "relay", "workspace", "worker"];

/** Starts the whole platform locally: database, migrations, model server, relay, workspace-host, worker. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const supervisor = new Supervisor(SERVICES, { quiet: options.quiet ?? false });
  const { ports } = options;
  let database: RunningDatabase | undefined;
  const stop = async () => {
    await supervisor.stopAll();
    await database?.stop();
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      supervisor.log("postgres", `starting embedded PostgreSQL on 127.0.0.1:${ports.postgres}`);
      database = await startEmbeddedPostgres({
        directory: path.join(options.dataDir, "pg"),
        port: ports.postgres,
        persistent: options.persistent ?? true,
        log: (line) => supervisor.log("postgres", line),
      });
      databaseUrl = database.url;
    }
    await applyMigrations(databaseUrl);
    supervisor.log("postgres", "migrations applied");

    if (options.buildWeb ?? true) buildWeb(supervisor);

    const secrets = await loadOrCreateSecrets(options.dataDir);
    const relayUrl = `http://127.0.0.1:${ports.relay}`;
    const modelServerUrl = `http://127.0.0.1:${ports.modelServer}`;
    const workspaceHostUrl = `http://127.0.0.1:${ports.workspaceHost}`;
    const envFile = path.join(options.dataDir, "worker.env");
    await writeEnvFile(envFile, {
      DATABASE_URL: databaseUrl,
      SQL_ENDPOINT: `${relayUrl}/sql`,
      RELAY_URL: relayUrl,
      WORKSPACE_HOST_URL: workspaceHostUrl,
      DEMO_MODEL_URL: modelServerUrl,
      ALLOW_PRIVATE_NETWORKS: "loopback",
      DNS_RESOLVER_URL: `${relayUrl}/dns-query`,
      ...secrets,
      ...options.workerEnv,
    });

    const tsx = path.join(binDir, "tsx");
    // A service that dies while the stack starts fails the start at once, instead of after the timeout.
    let failStartup: (error: Error) => void = () => undefined;
    const startupFailure = new Promise<never>((_, reject) => {
      failStartup = reject;
    });
    supervisor.onUnexpectedExit((name, code) => {
      supervisor.log(name, `exited with code ${code}`);
      failStartup(new Error(`${name} exited with code ${code} while the stack was starting`));
    });
    supervisor.start({
      name: "model",
      command: tsx,
      args: [path.join(repoRoot, "dev/src/model-server/main.ts")],
      env: {
        MODEL_SERVER_PORT: String(ports.modelServer),
        MODEL_TOKENS_PER_SECOND: String(options.tokensPerSecond ?? 20),
      },
    });
    supervisor.start({
      name: "relay",
      command: tsx,
      args: [path.join(repoRoot, "relay/src/main.ts")],
      env: { DATABASE_URL: databaseUrl, RELAY_SECRET: secrets.RELAY_SECRET, RELAY_PORT: String(ports.relay) },
    });
    supervisor.start({
      name: "workspace",
      command: tsx,
      args: [path.join(repoRoot, "workspace-host/src/main.ts")],
      env: {
        WORKSPACE_HOST_PORT: String(ports.workspaceHost),
        WORKSPACE_HOST_SECRET: secrets.WORKSPACE_HOST_SECRET,
        WORKSPACE_HOST_DATA_DIR: path.join(options.dataDir, "workspace-host"),
      },
    });
    supervisor.start({
      name: "worker",
      command: path.join(binDir, "wrangler"),
      args: [
        "dev",
        "--config",
        path.join(repoRoot, "wrangler.toml"),
        "--port",
        String(ports.worker),
        "--ip",
        "127.0.0.1",
        "--env-file",
        envFile,
        "--persist-to",
        path.join(options.dataDir, "wrangler"),
        "--show-interactive-dev-session=false",
      ],
      cwd: repoRoot,
    });
    const url = `http://127.0.0.1:${ports.worker}`;
    await Promise.race([
      startupFailure,
      Promise.all([
        waitForHttp(`${modelServerUrl}/healthz`),
        waitForHttp(`${relayUrl}/healthz`),
        waitForHttp(`${workspaceHostUrl}/healthz`),
        waitForHttp(`${url}/api/v1/openapi.json`, 120_000),
      ]),
    ]);
    startupFailure.catch(() => undefined);
    return { url, databaseUrl, modelServerUrl, relayUrl, stop };
  } catch (error) {
    supervisor.dumpRecent();
    await stop();
    throw error;
  }
}

function buildWeb(supervisor: Supervisor): void {
  supervisor.log("web", "building the dashboard (vite build)");
  const result = spawnSync(path.join(binDir, "vite"), ["build", "--logLevel", "error"], {
    cwd: path.join(repoRoot, "web"),
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("vite build failed");
}
