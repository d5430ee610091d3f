import type { AddressCategory } from "./address-category.ts";

/** How far user-supplied URLs may reach: public internet only, plus loopback, or anywhere. */
export const PrivateNetworkPolicy = {
  deny: "deny",
  loopback: "loopback",
  allow: "allow",
} as const;
export type PrivateNetworkPolicy = (typeof PrivateNetworkPolicy)[keyof typeof PrivateNetworkPolicy];

/**
 * Reads `ALLOW_PRIVATE_NETWORKS`. Anything unrecognised means "deny", so a typo fails closed.
 * @example parsePrivateNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS) // "true" | "all" | "allow" → "allow"
 */
export function parsePrivateNetworkPolicy(value: string | undefined): PrivateNetworkPolicy {
  const normalised = value?.trim().toLowerCase();
  if (normalised === "true" || normalised === "all" || normalised === "allow") return "allow";
  if (normalised === "loopback") return "loopback";
  return "deny";
}

/** Whether the policy lets a request reach an address of this category. */
export function policyAllows(policy: PrivateNetworkPolicy, category: AddressCategory): boolean {
  if (category === "public" || policy === "allow") return true;
  return policy === "loopback" && category === "loopback";
}

/** The end of a refusal reason: what the deployment allows, so the user knows it is a setting. */
export function policyClause(policy: PrivateNetworkPolicy): string {
  return policy === "loopback"
    ? "this deployment allows loopback but no other private networks"
    : "this deployment does not allow private networks";
}
