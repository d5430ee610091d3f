import path from "node:path";
import type { McpCredentialField, StdioLaunch } from "@switchboard/protocol";

export interface ChildEnvInput {
  launch: StdioLaunch;
  credentialFields: readonly McpCredentialField[];
  /** The owner's directory: `HOME`, and what `{root}` stands for. */
  root: string;
  /** The token's `env` claim; only the entry's credential `env` names are taken from it. */
  tokenEnv: Readonly<Record<string, string>>;
  /** Where `LANG` comes from (the host's own environment). */
  hostEnv?: Readonly<Record<string, string | undefined>>;
}

/** `{root}` in a catalog argument or env value, replaced by the owner's directory. */
export const substituteRoot = (value: string, root: string) => value.replaceAll("{root}", root);

/**
 * The whole environment of a stdio child. Nothing of the host's own environment is inherited (its secrets,
 * `NODE_OPTIONS`, proxies): a fixed `PATH`, `HOME` = the owner's directory and `LANG`, then the catalog
 * entry's `env`, then the credential variables the entry declares. A token cannot set any other variable.
 * @example childEnv({ launch, credentialFields, root: "/data/owners/team-…", tokenEnv: { BRAVE_API_KEY: "…" } })
 */
export function childEnv(input: ChildEnvInput): Record<string, string> {
  const hostEnv = input.hostEnv ?? process.env;
  const env: Record<string, string> = {
    // The bin is started with the host's own node; its directory first lets a server spawn `node` too.
    PATH: [path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
    HOME: input.root,
    LANG: hostEnv.LANG || "C.UTF-8",
  };
  for (const [key, value] of Object.entries(input.launch.env)) env[key] = substituteRoot(value, input.root);
  const allowed = new Set(input.credentialFields.flatMap((field) => (field.env ? [field.env] : [])));
  for (const [key, value] of Object.entries(input.tokenEnv)) if (allowed.has(key)) env[key] = value;
  return env;
}
