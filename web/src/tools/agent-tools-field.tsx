import type { AgentToolGrant, McpServer } from "@switchboard/protocol";
import { useState } from "react";
import { Link } from "react-router";
import { ChevronRightIcon } from "../components/icons.tsx";
import { LoadError } from "../components/notice.tsx";
import { LoadingBlock, Spinner } from "../components/spinner.tsx";
import {
  describeGrant,
  grantFor,
  grantMode,
  isToolGranted,
  setAllTools,
  setToolGranted,
} from "../lib/tool-grants.ts";
import { useToolList } from "./use-tool-list.ts";
import "./agent-tools-field.css";

/**
 * The agent form's "Tools" section: per usable MCP server, "All tools" or a pick of single tools. A
 * server's tool list is fetched only when the user opens its picker.
 */
export function AgentToolsField({
  servers,
  loading,
  error,
  onRetry,
  grants,
  staleGrants,
  onChange,
}: {
  /** The servers this agent may use (already filtered by its team). */
  servers: McpServer[] | undefined;
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  grants: AgentToolGrant[];
  /** Grants for servers that are gone or not usable by this agent: dropped on save. */
  staleGrants: number;
  onChange: (grants: AgentToolGrant[]) => void;
}) {
  return (
    <fieldset className="field agent-tools" aria-describedby="agent-tools-hint">
      <legend className="field-label">Tools</legend>
      <p className="field-hint" id="agent-tools-hint">
        MCP tools this agent may call. Connect more servers on the <Link to="/tools">Tools page</Link>.
      </p>
      {error && <LoadError message={error} onRetry={onRetry} />}
      {loading && !servers && <LoadingBlock label="Loading tool servers" />}
      {servers?.length === 0 && (
        <p className="agent-tools-empty muted">No tool servers this agent can use yet.</p>
      )}
      {servers && servers.length > 0 && (
        <ul className="agent-tools-list">
          {servers.map((server) => (
            <ServerGrant key={server.id} server={server} grants={grants} onChange={onChange} />
          ))}
        </ul>
      )}
      {staleGrants > 0 && (
        <p className="field-hint" data-testid="stale-tool-grants">
          {staleGrants === 1
            ? "1 server this agent had tools from is no longer available to it; saving removes it."
            : `${staleGrants} servers this agent had tools from are no longer available to it; saving removes them.`}
        </p>
      )}
    </fieldset>
  );
}

function ServerGrant({
  server,
  grants,
  onChange,
}: {
  server: McpServer;
  grants: AgentToolGrant[];
  onChange: (grants: AgentToolGrant[]) => void;
}) {
  const [open, setOpen] = useState(false);
  const tools = useToolList(server.id, open);
  const mode = grantMode(grants, server.id);
  const grant = grantFor(grants, server.id);
  const allId = `tool-grant-all-${server.id}`;
  const panelId = `tool-grant-panel-${server.id}`;
  const offered = new Set(tools.list?.tools.map((t) => t.name));
  // Picked earlier but no longer offered by the server: still shown, so the user can take them away.
  const gone = tools.list ? (grant?.names ?? []).filter((name) => !offered.has(name)) : [];

  return (
    <li className="agent-tool-grant" data-testid="tool-grant" data-server-id={server.id} data-mode={mode}>
      <div className="agent-tool-grant-head">
        <div className="check">
          <input
            id={allId}
            type="checkbox"
            checked={mode === "all"}
            aria-describedby={`${allId}-hint`}
            onChange={(e) => onChange(setAllTools(grants, server.id, e.target.checked))}
          />
          <span className="check-text">
            <label className="check-label" htmlFor={allId}>
              All tools of {server.name}
            </label>
            <span className="field-hint" id={`${allId}-hint`} data-testid="tool-grant-summary">
              {mode === "all"
                ? "Every tool, including ones the server adds later"
                : grant
                  ? `Only ${describeGrant(grant)}`
                  : "No tools"}
            </span>
          </span>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-sm agent-tool-grant-toggle"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
        >
          <ChevronRightIcon className="agent-tool-grant-chevron" />
          Choose tools<span className="visually-hidden"> of {server.name}</span>
        </button>
      </div>
      {open && (
        <div id={panelId} className="agent-tool-grant-panel">
          {tools.loading && !tools.list && <Spinner label={`Listing the tools of ${server.name}`} />}
          {tools.error && <LoadError message={tools.error.message} onRetry={() => tools.load(false)} />}
          {mode === "all" && tools.list && (
            <p className="field-hint">Untick “All tools” to choose single tools.</p>
          )}
          {tools.list?.tools.length === 0 && <p className="field-hint">This server offers no tools.</p>}
          {tools.list && (
            <ul className="agent-tool-grant-tools">
              {[
                ...tools.list.tools.map((t) => ({ name: t.name, description: t.description })),
                ...gone.map((name) => ({ name, description: "No longer offered by the server" })),
              ].map((tool) => {
                const id = `tool-grant-${server.id}-${tool.name}`;
                return (
                  <li key={tool.name} className="check">
                    <input
                      id={id}
                      type="checkbox"
                      checked={isToolGranted(grants, server.id, tool.name)}
                      disabled={mode === "all"}
                      aria-describedby={tool.description ? `${id}-hint` : undefined}
                      onChange={(e) =>
                        onChange(setToolGranted(grants, server.id, tool.name, e.target.checked))
                      }
                    />
                    <span className="check-text">
                      <label className="check-label" htmlFor={id}>
                        <code>{tool.name}</code>
                      </label>
                      {tool.description && (
                        <span className="field-hint agent-tool-description" id={`${id}-hint`}>
                          {tool.description}
                        </span>
                      )}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}
