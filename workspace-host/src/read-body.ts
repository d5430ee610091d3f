import { McpHttpError, RpcCode } from "./errors.ts";

/**
 * Reads and parses a JSON request body of at most `maxBytes`, refusing larger ones without reading them.
 * Only the initialize request is read here (to tell it apart before a session exists); the SDK transport
 * reads every other body itself.
 * @example const body = await readJsonBody(request, 1024 * 1024);
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new McpHttpError(413, RpcCode.serverError, `Request body larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new McpHttpError(400, RpcCode.parseError, "Parse error: Invalid JSON", {}, { cause: error });
  }
}
