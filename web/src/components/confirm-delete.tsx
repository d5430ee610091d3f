import { ConfirmAction } from "./confirm-action.tsx";
import { TrashIcon } from "./icons.tsx";

/** A two-step delete: "Delete <label>", then "Confirm delete". */
export function ConfirmDelete({
  label,
  onConfirm,
  disabled,
}: {
  /** What is deleted, for the accessible names ("Delete Research agent"). */
  label: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
}) {
  return (
    <ConfirmAction
      label={`Delete ${label}`}
      text="Delete"
      icon={<TrashIcon />}
      confirmText="Confirm delete"
      busyText="Deleting…"
      onConfirm={onConfirm}
      disabled={disabled}
    />
  );
}
