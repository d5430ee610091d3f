import { z } from "zod";
import type { Resolver } from "./check-url.ts";

// The DNS-over-HTTPS JSON format (Cloudflare's and Google's resolvers, and the relay's /dns-query).
const DohAnswer = z.object({
  Status: z.number().int(),
  Answer: z
    .array(z.object({ type: z.number().int(), data: z.string(), TTL: z.number().optional() }))
    .optional(),
});

const RECORD_TYPES = { A: 1, AAAA: 28 } as const;
type RecordType = keyof typeof RECORD_TYPES;

const RCODES: Record<number, string> = {
  1: "the resolver could not parse the query (FORMERR)",
  2: "the resolver failed (SERVFAIL)",
  3: "no such name (NXDOMAIN)",
  5: "the resolver refused the query (REFUSED)",
};

const TIMEOUT_MS = 5_000;
// Short on purpose: a check that trusts a stale answer is a check of the past. Per isolate, so small.
const MAX_CACHE_SECONDS = 60;
const MAX_CACHE_ENTRIES = 500;
const cache = new Map<string, { addresses: string[]; expiresAt: number }>();

interface Answers {
  addresses: string[];
  ttls: number[];
}

async function query(
  send: typeof fetch,
  resolverUrl: string,
  host: string,
  type: RecordType,
): Promise<Answers> {
  const url = new URL(resolverUrl);
  url.searchParams.set("name", host);
  url.searchParams.set("type", type);
  let response: Response;
  try {
    response = await send(url.href, {
      headers: { accept: "application/dns-json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`the DNS resolver did not answer (${error instanceof Error ? error.message : error})`, {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`the DNS resolver answered HTTP ${response.status}`);
  }
  const parsed = DohAnswer.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error("the DNS resolver's answer is not DNS JSON");
  const { Status, Answer = [] } = parsed.data;
  if (Status !== 0) throw new Error(RCODES[Status] ?? `the resolver answered DNS status ${Status}`);
  // CNAME records come along in the answer; the addresses at the end of the chain are what counts.
  const records = Answer.filter((record) => record.type === RECORD_TYPES[type]);
  return { addresses: records.map((r) => r.data), ttls: records.map((r) => r.TTL ?? 0) };
}

function remember(key: string, addresses: string[], ttlSeconds: number): void {
  if (ttlSeconds <= 0) return;
  if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? "");
  cache.set(key, { addresses, expiresAt: Date.now() + ttlSeconds * 1000 });
}

/**
 * A resolver that asks a DNS-over-HTTPS JSON endpoint for a name's A and AAAA records and returns every
 * address. It throws when the name does not exist, has no addresses, or the endpoint fails, so a check
 * built on it fails closed. Answers are cached per isolate for their TTL, at most 60 s.
 * @example
 * const resolve = createDohResolver(env.DNS_RESOLVER_URL ?? "https://cloudflare-dns.com/dns-query");
 * await resolve("example.com"); // ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
 */
export function createDohResolver(resolverUrl: string, fetchImpl?: typeof fetch): Resolver {
  // Looked up at call time, so the resolver uses whatever fetch the isolate has then.
  const send: typeof fetch = fetchImpl ?? ((input, init) => fetch(input, init));
  return async (host) => {
    const key = `${resolverUrl} ${host}`;
    const cached = cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.addresses;
    const [v4, v6] = await Promise.all([
      query(send, resolverUrl, host, "A"),
      query(send, resolverUrl, host, "AAAA"),
    ]);
    const addresses = [...v4.addresses, ...v6.addresses];
    if (addresses.length === 0) throw new Error("it has no A or AAAA records");
    remember(key, addresses, Math.min(MAX_CACHE_SECONDS, ...v4.ttls, ...v6.ttls));
    return addresses;
  };
}
