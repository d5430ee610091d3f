import type { ApiKey, ApiKeyScope } from "@switchboard/protocol";

export const apiKeyScopes: readonly ApiKeyScope[] = ["read", "chat", "manage"];

export const scopeLabels: Record<ApiKeyScope, string> = { read: "Read", chat: "Chat", manage: "Manage" };

export const scopeDescriptions: Record<ApiKeyScope, string> = {
  read: "List and read agents, chats and messages",
  chat: "Start chats and send messages",
  manage: "Create, change and delete agents and other resources",
};

export type ExpiryPreset = "never" | "30" | "90" | "365" | "date";

export const expiryPresets: Array<{ value: ExpiryPreset; label: string }> = [
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "never", label: "Never" },
  { value: "date", label: "On a date…" },
];

const DAY_MS = 86_400_000;

/**
 * The `expiresAt` to send: undefined for "never"; an ISO instant `n` days from now; or the end of a
 * chosen local day. `{ error }` when a chosen date is missing or not in the future.
 */
export function expiresAtFor(
  preset: ExpiryPreset,
  date: string,
  now: number = Date.now(),
): { expiresAt: string | undefined } | { error: string } {
  if (preset === "never") return { expiresAt: undefined };
  if (preset !== "date") return { expiresAt: new Date(now + Number(preset) * DAY_MS).toISOString() };
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!match) return { error: "Pick the day the key stops working." };
  const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999);
  if (Number.isNaN(end.getTime())) return { error: "Pick the day the key stops working." };
  if (end.getTime() <= now) return { error: "Pick a day in the future." };
  return { expiresAt: end.toISOString() };
}

export type ApiKeyStatus = "active" | "expired" | "revoked";

export function apiKeyStatus(key: ApiKey, now: number = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return "expired";
  return "active";
}

/** Active keys first (newest first), then expired, then revoked. */
export function sortApiKeys(keys: readonly ApiKey[], now: number = Date.now()): ApiKey[] {
  const rank: Record<ApiKeyStatus, number> = { active: 0, expired: 1, revoked: 2 };
  return [...keys].sort(
    (a, b) =>
      rank[apiKeyStatus(a, now)] - rank[apiKeyStatus(b, now)] ||
      Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
}
