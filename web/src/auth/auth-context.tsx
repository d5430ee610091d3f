import type { User } from "@switchboard/protocol";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiClient } from "../api/api-client.ts";
import { SessionStore } from "../api/session-store.ts";

interface AuthContextValue {
  api: ApiClient;
  /** The signed-in user, or null. Becomes null by itself when the session ends (refresh refused, other tab signed out). */
  user: User | null;
  /** Why the last session ended, for the sign-in page (e.g. after a password change); cleared on sign-in. */
  signedOutNotice: string | null;
  /**
   * Forgets a session the server already ended, with a note for the sign-in page. <RequireAuth> then
   * moves the visitor to /login, where the note shows.
   */
  endSession: (notice: string) => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children, client }: { children: ReactNode; client?: ApiClient }) {
  const api = useMemo(() => client ?? new ApiClient({ session: new SessionStore() }), [client]);
  const [user, setUser] = useState<User | null>(() => api.session.get()?.user ?? null);
  const [signedOutNotice, setSignedOutNotice] = useState<string | null>(null);

  useEffect(() => {
    setUser(api.session.get()?.user ?? null);
    return api.session.subscribe((session) => {
      setUser(session?.user ?? null);
      if (session) setSignedOutNotice(null);
    });
  }, [api]);

  const endSession = useCallback(
    (notice: string) => {
      // Both updates land in one render, so the sign-in page already has the note when it appears.
      setSignedOutNotice(notice);
      api.forgetSession();
    },
    [api],
  );

  const value = useMemo(
    () => ({ api, user, signedOutNotice, endSession }),
    [api, user, signedOutNotice, endSession],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}

export function useApi(): ApiClient {
  return useAuth().api;
}
