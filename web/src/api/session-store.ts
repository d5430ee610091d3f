import { AuthResult } from "@switchboard/protocol";

export type Session = AuthResult;

const STORAGE_KEY = "switchboard.session";

/**
 * The signed-in session (user + tokens), kept in localStorage so it survives reloads and is shared by
 * every tab: a refresh or sign-out in one tab is seen by the others through the `storage` event.
 */
export class SessionStore {
  #session: Session | null;
  readonly #listeners = new Set<(session: Session | null) => void>();
  readonly #storage: Storage | null;

  constructor(storage: Storage | null = safeLocalStorage()) {
    this.#storage = storage;
    this.#session = this.#read();
    if (typeof window !== "undefined" && storage) {
      window.addEventListener("storage", (event) => {
        if (event.key !== STORAGE_KEY) return;
        this.#session = this.#read();
        this.#emit();
      });
    }
  }

  get(): Session | null {
    return this.#session;
  }

  set(session: Session | null): void {
    this.#session = session;
    try {
      if (session) this.#storage?.setItem(STORAGE_KEY, JSON.stringify(session));
      else this.#storage?.removeItem(STORAGE_KEY);
    } catch {
      // Private mode or a full quota: the session still works for this tab.
    }
    this.#emit();
  }

  /** Re-reads storage: another tab may have rotated the tokens since this tab last looked. */
  reload(): Session | null {
    if (this.#storage) this.#session = this.#read();
    return this.#session;
  }

  subscribe(listener: (session: Session | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #read(): Session | null {
    try {
      const raw = this.#storage?.getItem(STORAGE_KEY);
      if (!raw) return null;
      const parsed = AuthResult.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  #emit(): void {
    for (const listener of this.#listeners) listener(this.#session);
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
