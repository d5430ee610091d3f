import { Link } from "react-router";
import { EmptyState } from "../components/empty-state.tsx";

export function NotFoundPage() {
  return (
    <div className="page">
      <EmptyState
        title="Page not found"
        action={
          <Link to="/chat" className="btn btn-primary">
            Go to chats
          </Link>
        }
      >
        That address does not exist in Switchboard.
      </EmptyState>
    </div>
  );
}
