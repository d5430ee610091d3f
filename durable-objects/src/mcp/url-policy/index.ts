// Where user-supplied URLs (MCP servers) may point: the SSRF guard. See docs/design/mcp-url-policy.md.
export { AddressCategory, classifyAddress } from "./address-category.ts";
export { checkUrl, type Resolver, type UrlCheck, type UrlPolicyOptions } from "./check-url.ts";
export { createDohResolver } from "./doh-resolver.ts";
export { createGuardedFetch, type GuardedFetchOptions } from "./guarded-fetch.ts";
export { classifyHost, type HostClass } from "./host-class.ts";
export { PrivateNetworkPolicy, parsePrivateNetworkPolicy } from "./policy.ts";
export { UrlNotAllowedError } from "./url-not-allowed-error.ts";
