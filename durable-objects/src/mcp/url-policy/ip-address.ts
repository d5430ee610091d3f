// Parsers for IP address *literals* as they reach us: hostnames that WHATWG URL parsing has already
// normalised (so IPv4 is always dotted decimal, whatever spelling the user typed) and the `data` of DNS
// answers. Anything else is not an address: strictness here means an odd spelling is refused, not guessed.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * A dotted-decimal IPv4 address as an unsigned 32-bit number, or `undefined`.
 * @example parseIpv4("127.0.0.1") // 2130706433
 */
export function parseIpv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

/**
 * An unsigned 32-bit number in dotted decimal.
 * @example formatIpv4(0x7f000001) // "127.0.0.1"
 */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

/**
 * An IPv6 address (with or without `::`, with or without a trailing dotted IPv4 part, without brackets or
 * zone) as a 128-bit number, or `undefined`.
 * @example parseIpv6("::ffff:7f00:1") // 0xffff7f000001n
 */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : (halves[0]?.split(":") ?? []);
  const tail = halves.length === 2 && halves[1] !== "" ? (halves[1]?.split(":") ?? []) : [];
  const compressed = halves.length === 2;
  const groups = [...head, ...tail];
  // Only the very last group of the text may be dotted: "1.2.3.4::" is not an address.
  const mayEndDotted = !compressed || tail.length > 0;
  const words: number[] = [];
  for (const [index, group] of groups.entries()) {
    if (mayEndDotted && index === groups.length - 1 && group.includes(".")) {
      // The last 32 bits may be written as dotted IPv4 (::ffff:127.0.0.1).
      const v4 = parseIpv4(group);
      if (v4 === undefined) return undefined;
      words.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEX_GROUP.test(group)) {
      words.push(Number.parseInt(group, 16));
    } else {
      return undefined;
    }
  }
  if (compressed ? words.length > 7 : words.length !== 8) return undefined;
  const headWords = words.slice(0, head.length);
  const tailWords = words.slice(head.length);
  const full = [...headWords, ...Array(8 - words.length).fill(0), ...tailWords];
  return full.reduce((value: bigint, word: number) => (value << 16n) | BigInt(word), 0n);
}
