import type { McpTool } from "@switchboard/protocol";
import "./tool-list.css";

/** A server's tools: name, title and description, and the input schema the model fills in (collapsed). */
export function ToolList({ tools }: { tools: readonly McpTool[] }) {
  return (
    <ul className="card mcp-tool-list">
      {tools.map((tool) => (
        <li key={tool.name} className="mcp-tool" data-testid="mcp-tool" data-tool-name={tool.name}>
          <div className="mcp-tool-head">
            <code className="mcp-tool-name">{tool.name}</code>
            {tool.title && tool.title !== tool.name && <span className="mcp-tool-title">{tool.title}</span>}
          </div>
          {tool.description ? (
            <p className="mcp-tool-description">{tool.description}</p>
          ) : (
            <p className="mcp-tool-description muted">No description</p>
          )}
          <details className="mcp-tool-schema">
            <summary>Input schema</summary>
            <pre>{JSON.stringify(tool.inputSchema, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
