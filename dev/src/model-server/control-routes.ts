import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendError, sendJson } from "./http-util.ts";
import type { LogEntry, ResponseLog } from "./response-log.ts";
import { ScriptInput } from "./script-schema.ts";
import type { ScriptStore } from "./script-store.ts";

const LogQuery = z.object({
  // The log holds 500 entries; asking for more just returns them all.
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 500))
    .optional(),
  timings: z.enum(["0", "1", "true", "false"]).optional(),
});

/**
 * The test/benchmark side door: `/_scripts` (what the model answers) and `/_log` (what it answered).
 * Returns false when the path is not a control route.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: { scripts: ScriptStore; log: ResponseLog },
): Promise<boolean> {
  const { pathname } = url;
  const method = req.method ?? "GET";

  if (pathname === "/_scripts") {
    if (method === "POST") {
      const parsed = parseJson(await readBody(req));
      const input = parsed.ok ? ScriptInput.safeParse(parsed.value) : undefined;
      if (!input?.success) {
        const message = input ? z.prettifyError(input.error) : "The request body is not valid JSON.";
        sendError(res, 400, "invalid_script", message);
        return true;
      }
      const script = state.scripts.add(input.data);
      sendJson(res, 201, { id: script.id });
      return true;
    }
    if (method === "GET") return reply(res, 200, state.scripts.list());
    if (method === "DELETE") {
      state.scripts.clear();
      return reply(res, 204);
    }
    return methodNotAllowed(res);
  }

  if (pathname.startsWith("/_scripts/")) {
    if (method !== "DELETE") return methodNotAllowed(res);
    const id = safeDecode(pathname.slice("/_scripts/".length));
    if (!state.scripts.remove(id)) {
      sendError(res, 404, "script_not_found", `No script with id ${JSON.stringify(id)}.`);
      return true;
    }
    return reply(res, 204);
  }

  if (pathname === "/_log") {
    if (method === "DELETE") {
      state.log.clear();
      return reply(res, 204);
    }
    if (method !== "GET") return methodNotAllowed(res);
    const query = LogQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) {
      sendError(res, 400, "invalid_query", z.prettifyError(query.error));
      return true;
    }
    const timings = query.data.timings === "1" || query.data.timings === "true";
    return reply(
      res,
      200,
      state.log.recent(query.data.limit).map((entry) => view(entry, timings)),
    );
  }

  return false;
}

function view(entry: LogEntry, timings: boolean) {
  const { tokenTimes, ...rest } = entry;
  return timings ? { ...rest, tokenTimes: [...tokenTimes] } : rest;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function reply(res: ServerResponse, status: number, body?: unknown): true {
  if (body === undefined) {
    res.writeHead(status).end();
  } else {
    sendJson(res, status, body);
  }
  return true;
}

function methodNotAllowed(res: ServerResponse): true {
  sendError(res, 405, "method_not_allowed", "Method not allowed on this path.");
  return true;
}
