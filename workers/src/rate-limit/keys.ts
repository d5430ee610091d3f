import type { Context } from "hono";
import { sha256Hex } from "../crypto/opaque-token.ts";

/**
 * Limit keys name the Durable Object that counts them (`idFromName`). They never contain an email —
 * object names show up in Cloudflare's dashboard and logs — only its SHA-256.
 */
export const limitKeys = {
  registerByIp: (ip: string) => `register:ip:${ip}`,
  registerByAccount: (emailHash: string) => `register:account:${emailHash}`,
  loginByIp: (ip: string) => `login:ip:${ip}`,
  loginByAccount: (emailHash: string) => `login:account:${emailHash}`,
  loginFailuresByAccount: (emailHash: string) => `login-failures:account:${emailHash}`,
  chatByUser: (userId: string) => `chat:user:${userId}`,
  chatByApiKey: (apiKeyId: string) => `chat:api-key:${apiKeyId}`,
};

/** The same account however the email is typed (the routes compare emails case-insensitively too). */
export function emailHash(email: string): Promise<string> {
  return sha256Hex(email.trim().toLowerCase());
}

/**
 * The client's address as Cloudflare reports it. `CF-Connecting-IP` is set by the edge and cannot be
 * forged through it; it is absent only in local runs, which then share the bucket "local". (Self-hosted
 * behind another proxy, the header is whatever that proxy forwards — per-account limits still hold.)
 */
export function clientIp(c: Context): string {
  return normalizeIp(c.req.header("CF-Connecting-IP"));
}

/**
 * IPv6 clients get a whole /64 (and can pick any address in it), so the /64 is the unit that is limited.
 * IPv4-mapped IPv6 counts as the IPv4 address. Anything unparseable shares one "invalid" bucket.
 */
export function normalizeIp(raw: string | undefined): string {
  const ip = raw?.trim();
  if (!ip) return "local";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip;
  const groups = expandIpv6(ip.split("%")[0] ?? "");
  if (!groups) return "invalid";
  if (groups.slice(0, 5).every((g) => g === "0") && groups[5] === "ffff") {
    const [high = 0, low = 0] = groups.slice(6).map((g) => Number.parseInt(g, 16));
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, lower-case without leading zeros; undefined if invalid. */
function expandIpv6(ip: string): string[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(ip) || ip.length > 45) return undefined;
  // A trailing dotted IPv4 (e.g. ::ffff:1.2.3.4) stands for the last two groups.
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  let text = ip;
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${ip.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}
