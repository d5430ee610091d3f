import { WrenchIcon } from "../components/icons.tsx";
import { formatDuration } from "../lib/format.ts";
import type { ToolItem } from "../stream/conversation-reducer.ts";

/** Pretty-prints JSON arguments when they parse; shows them as sent otherwise. */
function formatJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A tool call and (once it arrives) its result, collapsed to one line until opened: which tool of which
 * MCP server, how long it took, and whether (with which code) it failed. Secrets in the arguments arrive
 * already masked by the server.
 */
export function ToolRow({ item, serverName }: { item: ToolItem; serverName?: string | undefined }) {
  const state = item.result === undefined ? "running" : item.result.isError ? "error" : "done";
  const errorCode = item.result?.errorCode;
  const stateLabel =
    state === "running"
      ? "Running…"
      : state === "error"
        ? errorCode
          ? `Failed: ${errorCode}`
          : "Failed"
        : "Done";
  const tool = item.tool ?? item.name;
  const server = item.serverName ?? serverName;
  const duration = item.result?.durationMs;
  return (
    <details
      className="tool-row"
      data-testid="tool-call"
      data-state={state}
      data-call-id={item.callId}
      data-tool={tool}
      data-server-id={item.serverId}
      data-error-code={errorCode}
    >
      <summary className="tool-row-summary">
        <WrenchIcon className="tool-row-icon" />
        <span className="tool-row-name">
          Tool call: <code>{tool}</code>
          {server && <span className="tool-row-server"> · {server}</span>}
        </span>
        {duration !== undefined && (
          <span className="tool-row-duration" data-testid="tool-duration" title={`${duration} ms`}>
            {formatDuration(duration)}
          </span>
        )}
        <span className="tool-row-state">{stateLabel}</span>
      </summary>
      <div className="tool-row-body">
        {server && (
          <>
            <div className="tool-row-label">Server</div>
            <div className="tool-row-text">{server}</div>
          </>
        )}
        {item.arguments && (
          <>
            <div className="tool-row-label">Arguments</div>
            <pre className="tool-row-pre" data-testid="tool-arguments">
              {formatJson(item.arguments)}
            </pre>
          </>
        )}
        {item.result && (
          <>
            <div className="tool-row-label">
              {item.result.isError ? (errorCode ? `Error (${errorCode})` : "Error") : "Result"}
            </div>
            <pre className="tool-row-pre" data-testid="tool-result">
              {formatJson(item.result.output)}
            </pre>
          </>
        )}
      </div>
    </details>
  );
}
