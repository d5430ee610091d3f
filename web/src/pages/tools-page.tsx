import type { McpCatalogEntry, McpServer } from "@switchboard/protocol";
import { useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useAccess } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { PlugIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { serverManagingTeams } from "../lib/access.ts";
import { useResource } from "../lib/use-resource.ts";
import { CatalogCard } from "../tools/catalog-card.tsx";
import { ConnectedServerList } from "../tools/connected-server-list.tsx";
import { EnableServerDialog } from "../tools/enable-server-dialog.tsx";
import "./tools-page.css";

/** `/tools`: the servers you have connected, and the marketplace to connect more. */
export function ToolsPage() {
  const api = useApi();
  const { teams } = useAccess();
  // Loaded apart: a failing catalog must not hide the servers already connected, nor the other way round.
  const catalog = useResource("mcp-catalog", (signal) => api.mcpCatalog(signal));
  const servers = useResource("mcp-servers", (signal) => api.mcpServers(signal));
  const [enabling, setEnabling] = useState<McpCatalogEntry | null>(null);
  const [enabled, setEnabled] = useState<{ id: string; name: string } | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  async function remove(server: McpServer) {
    setDeleteError(null);
    setEnabled(null);
    try {
      await api.deleteMcpServer(server.id);
      servers.mutate((list) => list.filter((s) => s.id !== server.id));
    } catch (error) {
      setDeleteError(errorMessage(error));
    }
  }

  const connectedFrom = (entryId: string) =>
    servers.data?.filter((server) => server.catalogId === entryId).length ?? 0;

  return (
    <div className="page tools-page">
      <title>Tools · Switchboard</title>
      <PageHeader
        title="Tools"
        description="Connect MCP servers from the marketplace or by URL, then choose in each agent which of their tools it may use."
      />

      <section aria-labelledby="connected-servers-title" className="tools-section">
        <h2 id="connected-servers-title">Connected servers</h2>
        {enabled && (
          <Notice
            action={
              <Link to={`/tools/servers/${enabled.id}`} className="btn btn-secondary btn-sm">
                See its tools
              </Link>
            }
          >
            <span data-testid="server-enabled">
              “{enabled.name}” is connected. Attach its tools to an agent in the agent's “Tools” section.
            </span>
          </Notice>
        )}
        {deleteError && <Notice tone="danger">{deleteError}</Notice>}
        {servers.error && <LoadError message={servers.error} onRetry={servers.reload} />}
        {servers.loading && !servers.data && <LoadingBlock label="Loading servers" />}
        {servers.data?.length === 0 && (
          <p className="card tools-empty">
            <PlugIcon aria-hidden="true" />
            <span>No servers yet. Enable one below; its tools then show up in the agent editor.</span>
          </p>
        )}
        {servers.data && servers.data.length > 0 && (
          <ConnectedServerList servers={servers.data} catalog={catalog.data} onDelete={remove} />
        )}
      </section>

      <section aria-labelledby="marketplace-title" className="tools-section">
        <h2 id="marketplace-title">Marketplace</h2>
        {catalog.error && <LoadError message={catalog.error} onRetry={catalog.reload} />}
        {catalog.loading && !catalog.data && <LoadingBlock label="Loading the marketplace" />}
        {catalog.data && (
          <ul className="catalog-grid">
            {catalog.data.map((entry) => (
              <CatalogCard
                key={entry.id}
                entry={entry}
                connected={connectedFrom(entry.id)}
                onEnable={() => {
                  setEnabled(null);
                  setEnabling(entry);
                }}
              />
            ))}
          </ul>
        )}
      </section>

      <EnableServerDialog
        entry={enabling}
        teams={serverManagingTeams(teams ?? [])}
        onClose={() => setEnabling(null)}
        onEnabled={(server) => {
          setEnabling(null);
          setEnabled(server);
          servers.reload();
        }}
      />
    </div>
  );
}
