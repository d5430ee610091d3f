import { type AddressClass, classifyAddress } from "./address-category.ts";

// Cloud metadata services answer on these names inside their clouds; refuse them by name so the check does
// not depend on what a public resolver says about them.
const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "instance-data",
  "instance-data.ec2.internal",
]);

/** What a URL's hostname is, before any DNS: an address literal, a name we know, or a name to resolve. */
export type HostClass =
  | ({ kind: "address"; address: string } & AddressClass)
  | ({ kind: "name"; name: string } & AddressClass)
  | { kind: "dns"; name: string };

/**
 * Classifies a hostname as WHATWG URL parsing leaves it (lower case, IPv4 in dotted decimal, IPv6 in
 * brackets). `localhost` and `*.localhost` are loopback by definition (RFC 6761), so they are never resolved.
 * @example classifyHost("[::1]") // { kind: "address", address: "::1", category: "loopback" }
 */
export function classifyHost(hostname: string): HostClass {
  const literal = classifyAddress(hostname);
  if (literal) {
    const address = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
    return { kind: "address", address, ...literal };
  }
  // "localhost." is the same name as "localhost"; without this the trailing dot would dodge the list.
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost"))
    return { kind: "name", name, category: "loopback" };
  if (METADATA_HOSTS.has(name)) return { kind: "name", name, category: "metadata" };
  return { kind: "dns", name };
}
