import { fileURLToPath } from "node:url";

/** The repository root and the local state folder (never committed). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const dataDir = fileURLToPath(new URL("../../../.data/", import.meta.url));
export const binDir = fileURLToPath(new URL("../../../node_modules/.bin/", import.meta.url));
