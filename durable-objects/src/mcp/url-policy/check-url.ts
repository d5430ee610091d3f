import { ErrorCode } from "@switchboard/protocol";
import { type AddressCategory, type AddressClass, classifyAddress } from "./address-category.ts";
import { classifyHost } from "./host-class.ts";
import { type PrivateNetworkPolicy, policyAllows, policyClause } from "./policy.ts";

/** Turns a host name into every address it resolves to; throws (with a readable message) when it cannot. */
export type Resolver = (host: string) => Promise<string[]>;

export interface UrlPolicyOptions {
  policy: PrivateNetworkPolicy;
  resolve: Resolver;
}

/** The verdict on one URL: the parsed URL when it may be fetched, a human-readable reason when not. */
export type UrlCheck =
  | { ok: true; url: URL }
  | { ok: false; code: typeof ErrorCode.urlNotAllowed; reason: string };

const LABELS: Record<AddressCategory, string> = {
  public: "a public address",
  loopback: "a loopback address",
  private: "a private address",
  "link-local": "a link-local address",
  unspecified: "an unspecified address",
  metadata: "a cloud metadata host",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved address",
};

const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254"]);

function describe(address: string, found: AddressClass): string {
  const notes = [
    METADATA_ADDRESSES.has(address) ? "the cloud metadata endpoint" : undefined,
    found.embedded ? `it carries IPv4 ${found.embedded}` : undefined,
  ].filter(Boolean);
  return `${LABELS[found.category]}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
}

function refuse(reason: string): UrlCheck {
  return { ok: false, code: ErrorCode.urlNotAllowed, reason };
}

function parse(input: string | URL): URL | undefined {
  try {
    return new URL(input);
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a user-supplied URL may be fetched under the deployment's private-network policy. Address
 * literals are judged as written (URL parsing has already turned `0x7f000001`, `2130706433` and `127.1` into
 * `127.0.0.1`); other names are resolved and refused if ANY address they resolve to is not allowed, or if
 * they cannot be resolved at all. Under the "allow" policy nothing can be refused, so nothing is resolved.
 * @example
 * const check = await checkUrl("http://10.0.0.1/mcp", { policy: "deny", resolve });
 * if (!check.ok) throw new ApiError(400, check.code, check.reason);
 */
export async function checkUrl(input: string | URL, options: UrlPolicyOptions): Promise<UrlCheck> {
  const url = parse(input);
  if (!url) return refuse(`${String(input).slice(0, 200)} is not a valid URL`);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse(`only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    return refuse(
      "URLs with credentials in them (user:pass@host) are not allowed; send them as a header instead",
    );
  }
  const { policy } = options;
  const host = classifyHost(url.hostname);
  if (host.kind === "address" || host.kind === "name") {
    if (policyAllows(policy, host.category)) return { ok: true, url };
    const subject = host.kind === "address" ? host.address : host.name;
    return refuse(`${subject} is ${describe(subject, host)}; ${policyClause(policy)}`);
  }
  if (host.name === "") return refuse(`${url.href} has no host name`);
  if (policy === "allow") return { ok: true, url };

  let addresses: string[];
  try {
    addresses = await options.resolve(host.name);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return refuse(`could not resolve ${host.name}: ${detail}`);
  }
  if (addresses.length === 0) return refuse(`could not resolve ${host.name}: it has no addresses`);
  for (const address of addresses) {
    const found = classifyAddress(address);
    if (!found) return refuse(`${host.name} resolves to ${address}, which is not an IP address`);
    if (!policyAllows(policy, found.category)) {
      return refuse(
        `${host.name} resolves to ${address}, ${describe(address, found)}; ${policyClause(policy)}`,
      );
    }
  }
  return { ok: true, url };
}
