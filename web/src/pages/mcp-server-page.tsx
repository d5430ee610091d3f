import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useAccess, useTeamName } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { ConfirmDelete } from "../components/confirm-delete.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { AlertIcon, ArrowLeftIcon, PlugIcon, RefreshIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock, Spinner } from "../components/spinner.tsx";
import { TeamBadge } from "../components/team-badge.tsx";
import { canManageServer } from "../lib/access.ts";
import { formatRelative } from "../lib/format.ts";
import { toolCountLabel, transportLabel } from "../lib/mcp.ts";
import { useResource } from "../lib/use-resource.ts";
import { ToolList } from "../tools/tool-list.tsx";
import { useToolList } from "../tools/use-tool-list.ts";
import "./mcp-server-page.css";

/** `/tools/servers/:id`: one connected server and its tools. */
export function McpServerPage() {
  const { id = "" } = useParams();
  // Keyed by id, so another server's page starts without this one's tools or errors.
  return <McpServerView key={id} id={id} />;
}

function McpServerView({ id }: { id: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const { teams, isAdmin } = useAccess();
  const teamName = useTeamName();
  const server = useResource(`mcp-server:${id}`, (signal) => api.mcpServer(id, signal));
  const tools = useToolList(id);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [oauthError, setOauthError] = useState<string | null>(null);
  const [oauthStarting, setOauthStarting] = useState(false);
  const [search] = useSearchParams();
  const name = server.data?.name ?? "Server";
  const canManage = server.data ? canManageServer(server.data, teams, isAdmin) : false;

  // The browser leaves for the authorization server and comes back through the API's callback.
  const connectWithOAuth = async () => {
    setOauthError(null);
    setOauthStarting(true);
    try {
      const { authorizationUrl } = await api.startMcpOAuth(id);
      window.location.assign(authorizationUrl);
    } catch (error) {
      setOauthError(errorMessage(error));
      setOauthStarting(false);
    }
  };
  const oauthButton = (
    <button
      type="button"
      className="btn btn-primary btn-sm"
      data-testid="oauth-connect"
      disabled={oauthStarting}
      onClick={connectWithOAuth}
    >
      {oauthStarting ? "Opening the sign-in page…" : "Connect with OAuth"}
    </button>
  );

  const refreshButton = (
    <button
      type="button"
      className="btn btn-secondary"
      disabled={tools.loading}
      onClick={() => tools.load(true)}
    >
      <RefreshIcon /> {tools.loading && tools.list ? "Refreshing…" : "Refresh"}
    </button>
  );

  return (
    <div className="page">
      <title>{`${name} · Tools · Switchboard`}</title>
      <PageHeader
        back={
          <Link to="/tools">
            <ArrowLeftIcon /> Tools
          </Link>
        }
        title={
          <span className="title-with-badge">
            {server.data?.name ?? "MCP server"}
            {server.data?.teamId && <TeamBadge name={teamName(server.data.teamId) ?? "Team"} />}
          </span>
        }
        description={
          server.data && (
            <span className="mcp-server-page-meta">
              <span className="badge">{transportLabel(server.data.transport)}</span>
              {server.data.url && <code>{server.data.url}</code>}
              {tools.list && (
                <span data-testid="tools-fetched">
                  {toolCountLabel(tools.list.tools.length)} · listed {formatRelative(tools.list.fetchedAt)}
                  {tools.list.cached ? " (cached)" : ""}
                </span>
              )}
            </span>
          )
        }
        actions={
          server.data && (
            <>
              {refreshButton}
              {server.data.url && canManage && !tools.error?.needsAuthorization && (
                <button
                  type="button"
                  className="btn btn-secondary"
                  disabled={oauthStarting}
                  onClick={connectWithOAuth}
                  title="Sign in to this server's authorization server (OAuth 2.1 with PKCE)"
                >
                  {oauthStarting ? "Opening…" : "Connect with OAuth"}
                </button>
              )}
              {canManage && (
                <ConfirmDelete
                  label={server.data.name}
                  onConfirm={async () => {
                    setDeleteError(null);
                    try {
                      await api.deleteMcpServer(id);
                      navigate("/tools");
                    } catch (error) {
                      setDeleteError(errorMessage(error));
                    }
                  }}
                />
              )}
            </>
          )
        }
      />
      {deleteError && <Notice tone="danger">{deleteError}</Notice>}
      {search.get("oauth") === "connected" && (
        <Notice tone="info">Connected with OAuth. The server's tools are listed below.</Notice>
      )}
      {search.get("oauth") === "failed" && (
        <Notice tone="danger">
          {`The authorization did not complete (${oauthFailureText(search.get("reason"))}). Try connecting again.`}
        </Notice>
      )}
      {oauthError && <Notice tone="danger">{oauthError}</Notice>}
      {server.error && <LoadError message={server.error} onRetry={server.reload} />}
      {server.loading && !server.data && <LoadingBlock label="Loading the server" />}
      {server.data && (
        <section aria-labelledby="server-tools-title" className="mcp-server-page-tools">
          <h2 id="server-tools-title" className="mcp-server-page-heading">
            Tools {tools.loading && tools.list && <Spinner label="Refreshing the tool list" />}
          </h2>
          {tools.error && (
            <div
              className="notice notice-danger"
              role="alert"
              data-testid="tools-error"
              data-unreachable={tools.error.unreachable}
            >
              <AlertIcon />
              <div className="notice-body">
                <strong>
                  {tools.error.unreachable ? `Couldn't reach ${name}` : "Couldn't load the tools"}
                </strong>
                <div>{tools.error.message}</div>
                <div className="notice-actions">
                  {tools.error.needsAuthorization && canManage && oauthButton}
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => tools.load(true)}>
                    Try again
                  </button>
                </div>
              </div>
            </div>
          )}
          {tools.error && tools.list && (
            <p className="muted mcp-server-page-stale">
              Showing the list from {formatRelative(tools.list.fetchedAt)}.
            </p>
          )}
          {tools.loading && !tools.list && <LoadingBlock label="Listing tools" />}
          {tools.list?.tools.length === 0 && (
            <div className="card">
              <EmptyState icon={<PlugIcon />} title="No tools">
                The server answered but offers no tools.
              </EmptyState>
            </div>
          )}
          {tools.list && tools.list.tools.length > 0 && <ToolList tools={tools.list.tools} />}
        </section>
      )}
    </div>
  );
}

const OAUTH_FAILURES: Record<string, string> = {
  invalid_request: "the server's answer was incomplete",
  invalid_state: "the sign-in was started in another browser or already used",
  expired: "the sign-in took longer than 10 minutes",
  denied: "access was denied",
  forbidden: "you may no longer manage this server",
  exchange_failed: "the server refused the authorization code",
};

function oauthFailureText(reason: string | null): string {
  return (reason && OAUTH_FAILURES[reason]) ?? "unknown reason";
}
