import { ErrorCode as JsonRpcError, McpError } from "@modelcontextprotocol/sdk/types.js";
import { ToolErrorCode } from "@switchboard/protocol";
import { isAuthorizationRequired, McpAuthorizationRequiredError } from "./authorization-required.ts";
import { McpConfigurationError } from "./client-factory.ts";

export interface ToolFailure {
  code: ToolErrorCode;
  message: string;
  /** Worth one retry after a backoff (the connection failed, not the tool). */
  transient: boolean;
}

/**
 * Sorts an error from calling a tool into what the model is told. Server-side JSON-RPC errors are the
 * tool's answer (bad arguments, unknown tool); anything below the protocol is a transport failure.
 */
export function classifyToolError(error: unknown): ToolFailure {
  if (error instanceof McpConfigurationError) {
    return { code: ToolErrorCode.serverUnavailable, message: error.message, transient: false };
  }
  if (isAuthorizationRequired(error)) {
    // Retrying cannot help: only a person, in a browser, can grant it.
    const message =
      error instanceof McpAuthorizationRequiredError
        ? error.message
        : "The server needs authorization: connect this server with OAuth first.";
    return { code: ToolErrorCode.authorizationRequired, message, transient: false };
  }
  if (error instanceof McpError) {
    switch (error.code) {
      case JsonRpcError.InvalidParams:
        return {
          code: ToolErrorCode.invalidArguments,
          message: stripPrefix(error.message),
          transient: false,
        };
      case JsonRpcError.MethodNotFound:
        return { code: ToolErrorCode.unknownTool, message: stripPrefix(error.message), transient: false };
      case JsonRpcError.RequestTimeout:
        return { code: ToolErrorCode.timeout, message: "The tool did not answer in time.", transient: false };
      case JsonRpcError.ConnectionClosed:
        return {
          code: ToolErrorCode.transport,
          message: "The connection to the server closed.",
          transient: true,
        };
      default:
        return { code: ToolErrorCode.toolFailed, message: stripPrefix(error.message), transient: false };
    }
  }
  if (error instanceof Error && error.name === "UrlNotAllowedError") {
    return { code: ToolErrorCode.serverUnavailable, message: error.message, transient: false };
  }
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return { code: ToolErrorCode.timeout, message: "The tool did not answer in time.", transient: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: ToolErrorCode.transport,
    message: `Could not reach the server: ${message}`,
    transient: true,
  };
}

/**
 * A tool result with `isError`: servers built on the SDK report bad arguments this way, as text that
 * starts with the JSON-RPC code (`MCP error -32602: Input validation error: …`).
 */
export function classifyErrorResult(text: string): Pick<ToolFailure, "code" | "message"> {
  const code = Number(/^MCP error (-?\d+):/.exec(text)?.[1]);
  if (code === JsonRpcError.InvalidParams) {
    return { code: ToolErrorCode.invalidArguments, message: stripPrefix(text) };
  }
  if (code === JsonRpcError.MethodNotFound)
    return { code: ToolErrorCode.unknownTool, message: stripPrefix(text) };
  return { code: ToolErrorCode.toolFailed, message: stripPrefix(text) || "The tool reported an error." };
}

function stripPrefix(message: string): string {
  return message.replace(/^MCP error -?\d+:\s*/, "");
}

/**
 * The tool result the model reads when a call fails: structured, so it can correct its arguments and
 * try again instead of the run crashing.
 * @example toolErrorResult("memory__read_graph", failure) // '{"error":{"code":"invalid_arguments",...}}'
 */
export function toolErrorResult(tool: string, failure: Pick<ToolFailure, "code" | "message">): string {
  const hint: Partial<Record<ToolErrorCode, string>> = {
    invalid_arguments: "Fix the arguments to match the tool's input schema and call it again.",
    tool_timeout: "Try again with a smaller request, or continue without this tool.",
    transport_error: "The server could not be reached; try again later or continue without it.",
    server_unavailable: "This server cannot be used right now; continue without it.",
    authorization_required:
      "Tell the user to connect this server with OAuth (Tools, the server's page); continue without it.",
    tool_not_allowed: "Use only the tools you were given.",
    unknown_tool: "Use only the tools you were given.",
  };
  return JSON.stringify({
    error: { code: failure.code, tool, message: failure.message, hint: hint[failure.code] },
  });
}
