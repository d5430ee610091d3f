import { randomUUID } from "node:crypto";
import type { Script, ScriptInput } from "./script-schema.ts";

/** What a request offers for matching: the fields scripts can select on. */
export interface MatchSubject {
  model: string;
  system: string;
  lastUserText: string;
}

// Benchmarks register scripts per simulated user; the oldest go first so memory stays bounded.
const MAX_SCRIPTS = 5000;

/** Registered scripts, newest last; the most recently added matching script wins. */
export class ScriptStore {
  // A Map keeps insertion order, and delete + set moves a re-registered id to the newest position.
  readonly #scripts = new Map<string, Script>();

  add(input: ScriptInput): Script {
    const script: Script = {
      id: input.id ?? randomUUID(),
      match: input.match,
      steps: input.steps,
      createdAt: Date.now(),
    };
    this.#scripts.delete(script.id);
    this.#scripts.set(script.id, script);
    while (this.#scripts.size > MAX_SCRIPTS) {
      const oldest = this.#scripts.keys().next().value;
      if (oldest === undefined) break;
      this.#scripts.delete(oldest);
    }
    return script;
  }

  remove(id: string): boolean {
    return this.#scripts.delete(id);
  }

  clear(): void {
    this.#scripts.clear();
  }

  list(): Script[] {
    return [...this.#scripts.values()];
  }

  find(subject: MatchSubject): Script | undefined {
    const scripts = [...this.#scripts.values()];
    for (let i = scripts.length - 1; i >= 0; i--) {
      const script = scripts[i];
      if (script && matches(script, subject)) return script;
    }
    return undefined;
  }
}

function matches({ match }: Script, subject: MatchSubject): boolean {
  if (match.model !== undefined && match.model !== subject.model) return false;
  if (match.userIncludes !== undefined && !subject.lastUserText.includes(match.userIncludes)) return false;
  if (match.systemIncludes !== undefined && !subject.system.includes(match.systemIncludes)) return false;
  return true;
}
