import { dataDir } from "./paths.ts";
import { defaultPorts } from "./ports.ts";
import { startStack } from "./stack.ts";

// `npm start`: the whole platform on an embedded default (no accounts, keys or Docker needed).
const stack = await startStack({
  ports: { ...defaultPorts },
  dataDir,
  databaseUrl: process.env.DATABASE_URL,
});
const url = stack.url.replace("127.0.0.1", "localhost");
console.log(
  `\n  Switchboard is running at ${url}\n  API docs: ${url}/api/v1/openapi.json\n  Stop with Ctrl-C.\n`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping Switchboard…");
    stack.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
