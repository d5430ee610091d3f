import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A two-step action: the first press asks, the second acts. Inline instead of `window.confirm` so it is
 * styled, works the same on phones and is easy to drive from tests.
 */
export function ConfirmAction({
  label,
  text,
  icon,
  confirmText,
  busyText,
  onConfirm,
  disabled,
  tone = "danger",
}: {
  /** Accessible name of the first button, naming what it acts on ("Revoke CI key"). */
  label: string;
  /** Visible text of the first button ("Revoke"). */
  text: string;
  icon?: ReactNode;
  /** The second button ("Confirm revoke"). */
  confirmText: string;
  /** Shown on the second button while `onConfirm` runs ("Revoking…"). */
  busyText: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
  /** `danger` for destructive actions; `neutral` for reversible ones (enable a user). */
  tone?: "danger" | "neutral";
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-label={label}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {icon}
        <span>{text}</span>
      </button>
    );
  }
  return (
    <span className="confirm-action">
      <button
        ref={confirmRef}
        type="button"
        className={tone === "danger" ? "btn btn-danger btn-sm" : "btn btn-primary btn-sm"}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {busy ? busyText : confirmText}
      </button>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        disabled={busy}
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </span>
  );
}
