import { formatIpv4, parseIpv4, parseIpv6 } from "./ip-address.ts";

/** Where an address (or a special host name) points, as far as the private-network policy cares. */
export const AddressCategory = {
  public: "public",
  loopback: "loopback",
  private: "private",
  linkLocal: "link-local",
  unspecified: "unspecified",
  metadata: "metadata",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
} as const;
export type AddressCategory = (typeof AddressCategory)[keyof typeof AddressCategory];

/** The category of one address; `embedded` names the IPv4 address an IPv6 one carries, when that decided it. */
export interface AddressClass {
  category: AddressCategory;
  embedded?: string;
}

type Range<T> = readonly [base: T, prefix: number, category: AddressCategory];

// First match wins, so the broadcast address comes before 240/4. Documentation and benchmarking ranges are
// not routable on the internet; refusing them costs nothing and keeps odd lab setups out.
const IPV4_RANGES: readonly Range<string>[] = [
  ["0.0.0.0", 8, "unspecified"], // "this network": 0.0.0.0 reaches the local host on most stacks
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "private"], // carrier-grade NAT, shared address space (RFC 6598)
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"], // includes 169.254.169.254, the cloud metadata endpoint
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["255.255.255.255", 32, "broadcast"],
  ["240.0.0.0", 4, "reserved"],
];

// Ranges whose meaning is fixed; the ones that embed an IPv4 address are handled in classifyIpv6.
const IPV6_RANGES: readonly Range<string>[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["64:ff9b:1::", 48, "private"], // local-use NAT64 (RFC 8215)
  ["100::", 64, "reserved"], // discard-only
  ["2001::", 32, "reserved"], // Teredo: tunnels to an obfuscated IPv4 address
  ["2001:db8::", 32, "reserved"], // documentation
  ["fc00::", 7, "private"], // unique-local
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "private"], // deprecated site-local
  ["ff00::", 8, "multicast"],
];

const ipv4Ranges = IPV4_RANGES.map(([base, prefix, category]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: ((parseIpv4(base) ?? 0) & mask) >>> 0, mask, category };
});

const ipv6Ranges = IPV6_RANGES.map(([base, prefix, category]) => {
  const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
  return { base: (parseIpv6(base) ?? 0n) & mask, mask, category };
});

const NAT64_PREFIX = 0x64ff9b0000000000000000n; // 64:ff9b::/96, shifted right by 32
const SIX_TO_FOUR_PREFIX = 0x2002n; // 2002::/16, shifted right by 112

/** The category of an IPv4 address given as an unsigned 32-bit number. */
export function classifyIpv4(address: number): AddressCategory {
  const match = ipv4Ranges.find((range) => (address & range.mask) >>> 0 === range.base);
  return match?.category ?? "public";
}

function embeddedClass(v4: number, wrapper: AddressCategory | undefined): AddressClass {
  const category = classifyIpv4(v4);
  // A public IPv4 inside a wrapper that is itself not routable (IPv4-compatible ::a.b.c.d) is still refused.
  return { category: category === "public" && wrapper ? wrapper : category, embedded: formatIpv4(v4) };
}

/** The category of an IPv6 address given as a 128-bit number, looking through IPv4-carrying forms. */
export function classifyIpv6(address: bigint): AddressClass {
  const low32 = Number(address & 0xffffffffn);
  if (address >> 32n === 0xffffn) return embeddedClass(low32, undefined); // IPv4-mapped ::ffff:a.b.c.d
  if (address >> 32n === NAT64_PREFIX) return embeddedClass(low32, undefined); // NAT64 (RFC 6052)
  if (address >> 112n === SIX_TO_FOUR_PREFIX) {
    return embeddedClass(Number((address >> 80n) & 0xffffffffn), undefined); // 6to4 2002:a.b.c.d::/48
  }
  const fixed = ipv6Ranges.find((range) => (address & range.mask) === range.base);
  if (fixed) return { category: fixed.category };
  if (address >> 32n === 0n) return embeddedClass(low32, "reserved"); // deprecated IPv4-compatible ::a.b.c.d
  // Only 2000::/3 is allocated as global unicast; everything else is reserved.
  return { category: address >> 125n === 1n ? "public" : "reserved" };
}

/**
 * The category of an IP address literal (dotted IPv4, or IPv6 with or without brackets), or `undefined` when
 * the text is not an address.
 * @example classifyAddress("[::ffff:7f00:1]") // { category: "loopback", embedded: "127.0.0.1" }
 */
export function classifyAddress(text: string): AddressClass | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { category: classifyIpv4(v4) };
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v6 = parseIpv6(bare);
  return v6 === undefined ? undefined : classifyIpv6(v6);
}
