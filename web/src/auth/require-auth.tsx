import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useAuth } from "./auth-context.tsx";

interface FromState {
  from?: unknown;
}

/** Sends signed-out visitors to /login, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

/**
 * Keeps signed-in users off the sign-in pages. Signing in re-renders this with a user, which is what
 * moves the visitor on: to the page they were sent away from, or to /chat.
 */
export function RedirectIfSignedIn({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (user) return <Navigate to={safeReturnPath((location.state as FromState | null)?.from)} replace />;
  return children;
}

/** Only same-app paths: never an absolute or protocol-relative URL smuggled into history state. */
function safeReturnPath(from: unknown): string {
  if (typeof from !== "string" || !from.startsWith("/") || from.startsWith("//")) return "/chat";
  if (from === "/" || from.startsWith("/login") || from.startsWith("/register")) return "/chat";
  return from;
}
