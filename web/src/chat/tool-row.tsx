import { WrenchIcon } from "../components/icons.tsx";
import type { ToolItem } from "../stream/conversation-reducer.ts";

/** Pretty-prints JSON arguments when they parse; shows them as sent otherwise. */
function formatJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A tool call and (once it arrives) its result, collapsed to one line until opened. */
export function ToolRow({ item }: { item: ToolItem }) {
  const state = item.result === undefined ? "running" : item.result.isError ? "error" : "done";
  const stateLabel = state === "running" ? "Running…" : state === "error" ? "Failed" : "Done";
  return (
    <details className="tool-row" data-testid="tool-call" data-state={state} data-call-id={item.callId}>
      <summary className="tool-row-summary">
        <WrenchIcon className="tool-row-icon" />
        <span className="tool-row-name">
          Tool call: <code>{item.name}</code>
        </span>
        <span className="tool-row-state">{stateLabel}</span>
      </summary>
      <div className="tool-row-body">
        {item.arguments && (
          <>
            <div className="tool-row-label">Arguments</div>
            <pre className="tool-row-pre">{formatJson(item.arguments)}</pre>
          </>
        )}
        {item.result && (
          <>
            <div className="tool-row-label">{item.result.isError ? "Error" : "Result"}</div>
            <pre className="tool-row-pre" data-testid="tool-result">
              {formatJson(item.result.output)}
            </pre>
          </>
        )}
      </div>
    </details>
  );
}
