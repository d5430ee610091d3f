import { createDohResolver, createGuardedFetch, parsePrivateNetworkPolicy } from "./url-policy/index.ts";

const DEFAULT_RESOLVER = "https://cloudflare-dns.com/dns-query";

/** The settings that decide where user-supplied URLs may point. */
export interface OutboundEnv {
  ALLOW_PRIVATE_NETWORKS?: string | undefined;
  DNS_RESOLVER_URL?: string | undefined;
}

/**
 * The fetch every user-supplied MCP URL goes through: each request and each redirect hop is checked
 * against the deployment's private-network policy before anything is sent.
 * @example const guarded = outboundFetch(env); await guarded("https://mcp.example.com/mcp");
 */
export function outboundFetch(env: OutboundEnv): typeof fetch {
  return createGuardedFetch({
    policy: parsePrivateNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS),
    resolve: createDohResolver(env.DNS_RESOLVER_URL ?? DEFAULT_RESOLVER),
  });
}
