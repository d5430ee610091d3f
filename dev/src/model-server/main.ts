import { startModelServer } from "./index.ts";

// `node main.ts`: the scripted model server on its own, as `npm start` runs it.
const server = await startModelServer({ port: Number(process.env.MODEL_SERVER_PORT ?? 8790) });
console.log(`Scripted model server listening on ${server.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
