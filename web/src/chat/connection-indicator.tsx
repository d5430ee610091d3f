import type { ConnectionStatus } from "../stream/reconnect-policy.ts";
import "./connection-indicator.css";

const descriptions: Record<ConnectionStatus, string> = {
  connecting: "Connecting to the live stream",
  live: "Live: new messages appear as they are written",
  reconnecting: "Connection lost, reconnecting. Nothing will be missed.",
  offline: "Offline. Will reconnect when the network is back.",
};

/**
 * A small dot + word for the live stream's state. The text content is exactly the status value
 * (capitalised by CSS only) so tests can assert on it.
 */
export function ConnectionIndicator({ status }: { status: ConnectionStatus }) {
  return (
    <span className="connection" data-status={status} title={descriptions[status]}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text" data-testid="connection-status" role="status">
        {status}
      </span>
    </span>
  );
}
