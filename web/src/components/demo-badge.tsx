/** Marks agents that run on the built-in scripted model (no provider, no key, canned replies). */
export function DemoBadge() {
  return (
    <span className="badge badge-demo" title="Runs on the built-in scripted demo model">
      Demo model
    </span>
  );
}
