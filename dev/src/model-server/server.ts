import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { anthropicProtocol } from "./anthropic-protocol.ts";
import { handleCompletion, type ModelContext, type ProtocolAdapter } from "./completion-handler.ts";
import { handleControl } from "./control-routes.ts";
import { BodyTooLargeError, readBody, sendError, sendJson } from "./http-util.ts";
import { modelList } from "./model-list.ts";
import { openaiProtocol } from "./openai-protocol.ts";

const COMPLETION_ROUTES: Record<string, ProtocolAdapter> = {
  "/v1/chat/completions": openaiProtocol,
  "/v1/messages": anthropicProtocol,
};

/** The HTTP server: provider endpoints under /v1, the control API under /_, and /healthz. */
export function createModelHttpServer(context: ModelContext): Server {
  return createServer((req, res) => {
    route(req, res, context).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        if (!res.headersSent) sendError(res, 413, "body_too_large", error.message);
        return;
      }
      console.error("model-server: request failed", error);
      if (!res.headersSent) sendError(res, 500, "internal_error", "The model server failed on this request.");
      else res.destroy();
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, context: ModelContext): Promise<void> {
  const url = new URL(req.url ?? "/", "http://model-server.local");
  const method = req.method ?? "GET";

  const adapter = COMPLETION_ROUTES[url.pathname];
  if (adapter) {
    if (method !== "POST") return sendError(res, 405, "method_not_allowed", "Use POST.");
    return handleCompletion(adapter, await readBody(req), res, context);
  }
  if (url.pathname === "/v1/models" && method === "GET")
    return sendJson(res, 200, modelList(context.scripts));
  if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
  if (await handleControl(req, res, url, context)) return;
  sendError(res, 404, "not_found", `No route for ${method} ${url.pathname}.`);
}
