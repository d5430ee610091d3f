import { AlertIcon } from "../components/icons.tsx";
import type { RunErrorItem } from "../stream/conversation-reducer.ts";

/** A run that failed (`run.failed`), shown where the reply would have been. */
export function RunErrorRow({ item }: { item: RunErrorItem }) {
  return (
    <div className="run-error" role="alert" data-testid="run-error" data-code={item.code}>
      <AlertIcon />
      <div>
        <div className="run-error-title">The agent could not reply</div>
        <div className="run-error-message">{item.message}</div>
      </div>
    </div>
  );
}
