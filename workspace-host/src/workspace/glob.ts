const GLOB_CHARS = /[*?]/;

/**
 * search_files' pattern language. With `*` or `?` it is a glob: `*` and `?` stay within one path segment,
 * `**` spans segments; a pattern without `/` is matched against names (`*.md` finds `a/b/c.md`), one with
 * `/` against the whole relative path (`docs/**\/*.md`). Without wildcards it is a case-insensitive
 * substring of the name.
 * @example globMatcher("*.md")("notes/todo.md") // true
 */
export function globMatcher(pattern: string): (relativePath: string) => boolean {
  const trimmed = pattern.trim();
  if (!GLOB_CHARS.test(trimmed)) {
    const needle = trimmed.toLowerCase();
    return (p) => baseName(p).toLowerCase().includes(needle);
  }
  const onName = !trimmed.includes("/");
  const regex = new RegExp(`^${globToRegex(trimmed.replace(/^\.?\//, ""))}$`);
  return (p) => regex.test(onName ? baseName(p) : p);
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

const baseName = (p: string) => p.slice(p.lastIndexOf("/") + 1);
