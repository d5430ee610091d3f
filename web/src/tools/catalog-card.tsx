import type { McpCatalogEntry } from "@switchboard/protocol";
import { PlugIcon } from "../components/icons.tsx";
import { runsOnLabels, transportLabel } from "../lib/mcp.ts";
import "./catalog-card.css";

/** One marketplace entry: what it does, how it runs, what it needs, and "Enable". */
export function CatalogCard({
  entry,
  connected,
  onEnable,
}: {
  entry: McpCatalogEntry;
  /** How many of the user's connected servers come from this entry. */
  connected: number;
  onEnable: () => void;
}) {
  const needs = entry.credentialFields;
  return (
    <li className="card catalog-card" data-testid="catalog-entry" data-catalog-id={entry.id}>
      <div className="catalog-card-head">
        <span className="catalog-card-avatar" aria-hidden="true">
          {entry.custom ? <PlugIcon /> : entry.name.slice(0, 1).toUpperCase()}
        </span>
        <div className="catalog-card-title">
          <h3 className="catalog-card-name">{entry.name}</h3>
          <span className="catalog-card-runs" data-testid="runs-on">
            {runsOnLabels[entry.runsOn]}
          </span>
        </div>
      </div>
      <p className="catalog-card-description">{entry.description}</p>
      <ul className="catalog-card-badges" aria-label="Transports and status">
        {entry.transports.map((transport) => (
          <li key={transport} className="badge">
            {transportLabel(transport)}
          </li>
        ))}
        {connected > 0 && (
          <li className="badge badge-success" data-testid="connected-badge">
            {connected === 1 ? "Connected" : `Connected ×${connected}`}
          </li>
        )}
      </ul>
      <p className="catalog-card-needs">
        {needs.length === 0
          ? "No credentials needed"
          : `Needs: ${needs.map((f) => (f.required ? f.label : `${f.label} (optional)`)).join(", ")}`}
      </p>
      <div className="catalog-card-foot">
        {entry.homepage ? (
          <a href={entry.homepage} target="_blank" rel="noreferrer" aria-label={`${entry.name} homepage`}>
            Homepage
          </a>
        ) : (
          <span />
        )}
        <button
          type="button"
          className={entry.custom ? "btn btn-secondary btn-sm" : "btn btn-primary btn-sm"}
          aria-label={entry.custom ? "Connect a server by URL" : `Enable ${entry.name}`}
          onClick={onEnable}
        >
          {entry.custom ? "Connect" : "Enable"}
        </button>
      </div>
    </li>
  );
}
