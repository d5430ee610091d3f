import type { ReactNode } from "react";
import { AlertIcon, InfoIcon } from "./icons.tsx";

/** An inline message. Errors are announced to screen readers as they appear. */
export function Notice({
  tone = "info",
  children,
  action,
}: {
  tone?: "info" | "warning" | "danger";
  children: ReactNode;
  action?: ReactNode;
}) {
  const className = tone === "info" ? "notice" : `notice notice-${tone}`;
  return (
    <div className={className} role={tone === "danger" ? "alert" : undefined}>
      {tone === "info" ? <InfoIcon /> : <AlertIcon />}
      <div className="notice-body">
        {children}
        {action && <div className="notice-actions">{action}</div>}
      </div>
    </div>
  );
}

/** A failed load, with a retry button. */
export function LoadError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Notice
      tone="danger"
      action={
        onRetry && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
            Try again
          </button>
        )
      }
    >
      {message}
    </Notice>
  );
}
