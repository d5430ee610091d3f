import { serve } from "@hono/node-server";
import { Hono } from "hono";

// Placeholder until the workspace issue lands: the process exists in the stack so its place, port and
// health check are stable for `npm start` and docker-compose.
const port = Number(process.env.WORKSPACE_HOST_PORT ?? 8789);
const app = new Hono();
app.get("/healthz", (c) => c.json({ ok: true, workspaces: "not yet available" }));

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
  console.log(`workspace-host listening on http://127.0.0.1:${info.port}`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
