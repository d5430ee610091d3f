import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP server for the guarded fetch's redirect tests; it counts the hits on every path. */
export interface RedirectServer {
  url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the server on 127.0.0.1 (port 0 picks a free one). Routes:
 * - `/to?location=<url>&status=302`: answers `status` with that Location (relative ones stay relative);
 * - `/ok` and `/ok/<anything>`: 200 "ok";
 * - `/echo`: 200 with `{method, body, headers}` of the request it got;
 * - `/hits?path=<path>`: how many requests `path` has had, as `{hits}`.
 * @example const server = await startRedirectServer(); … await server.close();
 */
export async function startRedirectServer(port = 0): Promise<RedirectServer> {
  const hits = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const body = await readBody(req);
    if (url.pathname === "/to") {
      res.writeHead(Number(url.searchParams.get("status") ?? 302), {
        location: url.searchParams.get("location") ?? "/ok",
      });
      res.end("redirecting");
    } else if (url.pathname === "/ok" || url.pathname.startsWith("/ok/")) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    } else if (url.pathname === "/echo") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, body, headers: req.headers }));
    } else if (url.pathname === "/hits") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ hits: hits.get(url.searchParams.get("path") ?? "") ?? 0 }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
