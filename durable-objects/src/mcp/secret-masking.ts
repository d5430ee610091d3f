const SECRET_KEY =
  /pass(word|phrase)?|secret|token|api[-_]?key|authori[sz]ation|credential|private[-_]?key|cookie/i;
export const MASK = "••••";

/**
 * Masks what looks secret in tool arguments before they are stored, streamed or audited: values under
 * secret-looking keys, and any occurrence of a known credential value (the model may have pasted one).
 * @example maskSecrets({ q: "x", apiKey: "sk-1" }, []) // { q: "x", apiKey: "••••" }
 */
export function maskSecrets(value: unknown, knownSecrets: readonly string[]): unknown {
  const secrets = knownSecrets.filter((s) => s.length >= 4);
  const maskText = (text: string) => secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
  const walk = (node: unknown, depth: number): unknown => {
    if (depth > 20) return MASK;
    if (typeof node === "string") return maskText(node);
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    if (node && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, inner]) => [
          key,
          SECRET_KEY.test(key) && inner !== null && inner !== "" ? MASK : walk(inner, depth + 1),
        ]),
      );
    }
    return node;
  };
  return walk(value, 0);
}

/** Masks known secret values inside free text (tool results, error messages). */
export function maskSecretText(text: string, knownSecrets: readonly string[]): string {
  return knownSecrets
    .filter((s) => s.length >= 4)
    .reduce((out, secret) => out.split(secret).join(MASK), text);
}
