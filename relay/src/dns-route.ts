import { lookup as systemLookup } from "node:dns/promises";
import { ErrorCode } from "@switchboard/protocol";
import { Hono } from "hono";

/** Every address a name has, as the system resolver sees it; the injectable seam for tests. */
export type LookupAll = (name: string) => Promise<{ address: string; family: number }[]>;

export interface DnsRouteOptions {
  /** Default `dns.lookup(name, {all: true})`: getaddrinfo, so /etc/hosts applies. */
  lookup?: LookupAll;
}

const RECORD_TYPES = { A: { type: 1, family: 4 }, AAAA: { type: 28, family: 6 } } as const;
// DNS response codes (RFC 1035): what the DoH JSON `Status` field carries.
const Rcode = { noError: 0, serverFailure: 2, nameError: 3 } as const;
// A host name as a resolver would take it: labels of letters, digits, hyphens, underscores, at most 253.
const NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

const defaultLookup: LookupAll = (name) => systemLookup(name, { all: true });

function rcodeFor(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOTFOUND") return Rcode.nameError;
  if (code === "ENODATA") return Rcode.noError;
  return Rcode.serverFailure;
}

/**
 * `GET /dns-query?name=&type=A|AAAA`: DNS-over-HTTPS in the JSON format of Cloudflare's and Google's
 * resolvers, answered by this machine's resolver (so /etc/hosts and internal DNS apply). Self-hosted and
 * local deployments point the worker's `DNS_RESOLVER_URL` here, so its SSRF check sees the addresses this
 * network would really connect to. Unknown names answer `Status: 3` (NXDOMAIN), as a DoH resolver does.
 */
export function dnsRoute(options: DnsRouteOptions = {}): Hono {
  const lookup = options.lookup ?? defaultLookup;
  const app = new Hono();
  app.get("/dns-query", async (c) => {
    const name = (c.req.query("name") ?? "").replace(/\.$/, "");
    const type = c.req.query("type") ?? "A";
    const record = type === "A" || type === "AAAA" ? RECORD_TYPES[type] : undefined;
    if (!NAME.test(name) || !record) {
      const message = "Expected ?name=<host name>&type=A or AAAA";
      return c.json({ error: { code: ErrorCode.validationFailed, message } }, 400);
    }
    let status: number = Rcode.noError;
    let addresses: string[] = [];
    try {
      const found = await lookup(name);
      addresses = found.filter((entry) => entry.family === record.family).map((entry) => entry.address);
    } catch (error) {
      status = rcodeFor(error);
    }
    const body = {
      Status: status,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: false,
      Question: [{ name, type: record.type }],
      // /etc/hosts entries carry no TTL; 0 tells callers not to cache what may change on the next edit.
      Answer: addresses.map((data) => ({ name, type: record.type, TTL: 0, data })),
    };
    return c.json(body, 200, { "content-type": "application/dns-json" });
  });
  return app;
}
