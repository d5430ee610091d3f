import "./spinner.css";

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span className="spinner" role="status">
      <span className="spinner-ring" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

/** A centred spinner for a region whose content is loading. */
export function LoadingBlock({ label = "Loading" }: { label?: string }) {
  return (
    <div className="loading-block">
      <Spinner label={label} />
      <span className="muted">{label}…</span>
    </div>
  );
}
