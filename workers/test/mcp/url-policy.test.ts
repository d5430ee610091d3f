import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  checkUrl,
  classifyAddress,
  createDohResolver,
  parsePrivateNetworkPolicy,
  type Resolver,
} from "../../../durable-objects/src/mcp/url-policy/index.ts";

// Nothing here connects to a private address: refusals happen before any request, and the only server
// contacted is the relay the global setup starts on loopback (its DoH endpoint). Address classification is
// in url-policy-addresses.test.ts, the guarded fetch and its redirects in url-policy-redirects.test.ts.

/** For URLs whose verdict must not depend on DNS: any lookup fails the test. */
const noDns: Resolver = async (host) => {
  throw new Error(`unexpected DNS lookup of ${host}`);
};

// Only `localhost` is sure to be in /etc/hosts on every machine, and checkUrl never resolves it. So the
// DNS path is proven with a name the stand-in resolver sends to the relay's DoH endpoint as "localhost":
// the relay's getaddrinfo answers from /etc/hosts, and no query leaves the machine.
const LOOPBACK_ALIAS = "loopback-alias.switchboard.test";
const relayDns = createDohResolver(env.DNS_RESOLVER_URL ?? "");
const viaRelay: Resolver = (host) => relayDns(host === LOOPBACK_ALIAS ? "localhost" : host);

/** A resolver that answers from a table, like DNS would. */
function fakeDns(table: Record<string, string[]>): Resolver {
  return async (host) => {
    const addresses = table[host];
    if (!addresses) throw new Error("no such name (NXDOMAIN)");
    return addresses;
  };
}

async function reasonFor(url: string, policy: "deny" | "loopback" | "allow", resolve = viaRelay) {
  const check = await checkUrl(url, { policy, resolve });
  if (check.ok) throw new Error(`${url} was accepted under ${policy}`);
  expect(check.code).toBe("url_not_allowed");
  return check.reason;
}

const DENY = "this deployment does not allow private networks";

describe("URL parsing normalises every IPv4 spelling before the check sees it", () => {
  it.each([
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://127.0.0.1./",
  ])("%s has hostname 127.0.0.1", (url) => {
    expect(new URL(url).hostname).toBe("127.0.0.1");
  });

  it("writes IPv4-mapped IPv6 in hex", () => {
    expect(new URL("http://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
  });
});

describe("checkUrl under the deny policy", () => {
  const refused: [url: string, reason: string | RegExp][] = [
    ["http://127.0.0.1/", `127.0.0.1 is a loopback address; ${DENY}`],
    ["http://2130706433/", "127.0.0.1 is a loopback address"],
    ["http://0x7f000001/", "127.0.0.1 is a loopback address"],
    ["http://0177.0.0.1/", "127.0.0.1 is a loopback address"],
    ["http://127.1/", "127.0.0.1 is a loopback address"],
    ["http://[::1]/", `::1 is a loopback address; ${DENY}`],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is a loopback address (it carries IPv4 127.0.0.1)"],
    ["http://[::ffff:7f00:1]/", "::ffff:7f00:1 is a loopback address (it carries IPv4 127.0.0.1)"],
    ["http://0.0.0.0/", "0.0.0.0 is an unspecified address"],
    [
      "http://169.254.169.254/latest/meta-data/",
      "169.254.169.254 is a link-local address (the cloud metadata endpoint)",
    ],
    ["http://metadata.google.internal/", `metadata.google.internal is a cloud metadata host; ${DENY}`],
    ["http://10.0.0.1/", "10.0.0.1 is a private address"],
    ["http://172.16.0.1/", "172.16.0.1 is a private address"],
    ["http://192.168.1.1/", "192.168.1.1 is a private address"],
    ["http://100.64.0.1/", "100.64.0.1 is a private address"],
    ["http://[fd00::1]/", "fd00::1 is a private address"],
    ["http://[fe80::1]/", "fe80::1 is a link-local address"],
    ["http://localhost:8080/", "localhost is a loopback address"],
    ["http://foo.localhost/", "foo.localhost is a loopback address"],
    [
      `http://${LOOPBACK_ALIAS}/mcp`,
      /^loopback-alias\.switchboard\.test resolves to (127\.\d+\.\d+\.\d+|::1), a loopback/,
    ],
    ["ftp://example.com/", "only http and https URLs are allowed, not ftp:"],
    ["http://user:pass@example.com/", "URLs with credentials in them (user:pass@host) are not allowed"],
  ];

  it.each(refused)("refuses %s", async (url, reason) => {
    const text = await reasonFor(url, "deny");
    if (typeof reason === "string") expect(text).toContain(reason);
    else expect(text).toMatch(reason);
  });

  it("judges address literals and localhost names without any DNS lookup", async () => {
    for (const [url] of refused.filter(([url]) => !url.includes(LOOPBACK_ALIAS))) {
      await reasonFor(url, "deny", noDns);
    }
  });

  it.each(["http://1.1.1.1/", "https://[2606:4700:4700::1111]/", "https://8.8.8.8:8443/mcp?x=1"])(
    "accepts the public literal %s (checked, never fetched)",
    async (url) => {
      const check = await checkUrl(url, { policy: "deny", resolve: noDns });
      expect(check).toEqual({ ok: true, url: new URL(url) });
    },
  );

  it("accepts a name only when every address it resolves to is public", async () => {
    const resolve = fakeDns({
      "mcp.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
      "rebind.example.com": ["93.184.215.14", "10.0.0.5"],
      "mapped.example.com": ["::ffff:a9fe:a9fe"],
    });
    expect((await checkUrl("https://mcp.example.com/mcp", { policy: "deny", resolve })).ok).toBe(true);
    expect(await reasonFor("https://rebind.example.com/", "deny", resolve)).toBe(
      `rebind.example.com resolves to 10.0.0.5, a private address; ${DENY}`,
    );
    expect(await reasonFor("https://mapped.example.com/", "deny", resolve)).toContain(
      "a link-local address (it carries IPv4 169.254.169.254)",
    );
  });

  it("refuses a name that cannot be resolved, saying so", async () => {
    expect(await reasonFor("https://nosuch.example.com/", "deny", fakeDns({}))).toBe(
      "could not resolve nosuch.example.com: no such name (NXDOMAIN)",
    );
    expect(
      await reasonFor("https://empty.example.com/", "deny", fakeDns({ "empty.example.com": [] })),
    ).toContain("could not resolve empty.example.com");
    expect(
      await reasonFor("https://odd.example.com/", "deny", fakeDns({ "odd.example.com": ["banana"] })),
    ).toBe("odd.example.com resolves to banana, which is not an IP address");
  });

  it("refuses what is not a URL", async () => {
    expect(await reasonFor("not a url", "deny", noDns)).toBe("not a url is not a valid URL");
  });
});

describe("checkUrl under the loopback and allow policies", () => {
  it.each(["http://127.0.0.1:8080/mcp", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost/"])(
    "loopback accepts %s",
    async (url) => {
      expect((await checkUrl(url, { policy: "loopback", resolve: noDns })).ok).toBe(true);
    },
  );

  it("loopback accepts a name the relay resolves to loopback", async () => {
    expect((await checkUrl(`http://${LOOPBACK_ALIAS}/`, { policy: "loopback", resolve: viaRelay })).ok).toBe(
      true,
    );
  });

  it.each([
    ["http://10.0.0.1/", "10.0.0.1 is a private address"],
    ["http://169.254.169.254/", "169.254.169.254 is a link-local address (the cloud metadata endpoint)"],
    ["http://[fd00::1]/", "fd00::1 is a private address"],
    ["http://metadata.google.internal/", "metadata.google.internal is a cloud metadata host"],
  ])("loopback still refuses %s", async (url, reason) => {
    expect(await reasonFor(url, "loopback", noDns)).toBe(
      `${reason}; this deployment allows loopback but no other private networks`,
    );
  });

  it("allow accepts private addresses and does not resolve names", async () => {
    for (const url of ["http://10.0.0.1/", "http://169.254.169.254/", "http://unresolvable.internal/"]) {
      expect((await checkUrl(url, { policy: "allow", resolve: noDns })).ok).toBe(true);
    }
    // Scheme and credentials are refused under every policy.
    expect(await reasonFor("file:///etc/passwd", "allow", noDns)).toContain("only http and https");
  });
});

describe("parsePrivateNetworkPolicy (ALLOW_PRIVATE_NETWORKS)", () => {
  it.each([
    ["true", "allow"],
    ["all", "allow"],
    ["ALLOW", "allow"],
    ["loopback", "loopback"],
    [" Loopback ", "loopback"],
    ["false", "deny"],
    ["", "deny"],
    ["yes", "deny"],
    [undefined, "deny"],
  ] as const)("%s → %s", (value, policy) => {
    expect(parsePrivateNetworkPolicy(value)).toBe(policy);
  });

  it("reads loopback from this test run's bindings", () => {
    expect(parsePrivateNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS)).toBe("loopback");
  });
});

/** A stand-in DoH endpoint: answers from `records` and counts the queries. */
function fakeDoh(records: Record<string, { Status?: number; Answer?: unknown[] }>, httpStatus = 200) {
  const queries: URL[] = [];
  const doh: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    queries.push(url);
    expect(new Headers(init?.headers).get("accept")).toBe("application/dns-json");
    const record = records[`${url.searchParams.get("name")} ${url.searchParams.get("type")}`] ?? {
      Status: 3,
    };
    return Response.json({ Status: 0, ...record }, { status: httpStatus });
  };
  // A fresh endpoint URL per resolver, so the per-isolate cache never carries answers between tests.
  return { doh, queries, endpoint: `https://doh.invalid/${crypto.randomUUID()}` };
}

describe("createDohResolver", () => {
  it("asks for A and AAAA and returns every address, skipping CNAME records", async () => {
    const { doh, queries, endpoint } = fakeDoh({
      "mcp.example.com A": {
        Answer: [
          { type: 5, data: "edge.example.net.", TTL: 30 },
          { type: 1, data: "93.184.215.14", TTL: 30 },
        ],
      },
      "mcp.example.com AAAA": { Answer: [{ type: 28, data: "2606:2800::1", TTL: 30 }] },
    });
    expect(await createDohResolver(endpoint, doh)("mcp.example.com")).toEqual([
      "93.184.215.14",
      "2606:2800::1",
    ]);
    expect(queries.map((q) => q.searchParams.get("type")).sort()).toEqual(["A", "AAAA"]);
  });

  it("caches answers for their TTL, and not at all when the TTL is 0", async () => {
    const cached = fakeDoh({
      "a.example A": { Answer: [{ type: 1, data: "93.184.215.14", TTL: 30 }] },
      "a.example AAAA": { Answer: [] }, // NOERROR, no records: the name has only IPv4
    });
    const resolveCached = createDohResolver(cached.endpoint, cached.doh);
    await resolveCached("a.example");
    await resolveCached("a.example");
    expect(cached.queries).toHaveLength(2);

    const uncached = fakeDoh({
      "b.example A": { Answer: [{ type: 1, data: "93.184.215.14", TTL: 0 }] },
      "b.example AAAA": {},
    });
    const resolveUncached = createDohResolver(uncached.endpoint, uncached.doh);
    await resolveUncached("b.example");
    await resolveUncached("b.example");
    expect(uncached.queries).toHaveLength(4);
  });

  it("fails with a readable message on NXDOMAIN, no records, HTTP errors and a dead resolver", async () => {
    const nx = fakeDoh({});
    await expect(createDohResolver(nx.endpoint, nx.doh)("nosuch.example")).rejects.toThrow(
      "no such name (NXDOMAIN)",
    );
    const empty = fakeDoh({ "e.example A": {}, "e.example AAAA": {} });
    await expect(createDohResolver(empty.endpoint, empty.doh)("e.example")).rejects.toThrow(
      "it has no A or AAAA records",
    );
    const down = fakeDoh({}, 503);
    await expect(createDohResolver(down.endpoint, down.doh)("x.example")).rejects.toThrow(
      "the DNS resolver answered HTTP 503",
    );
    const dead: typeof fetch = async () => {
      throw new TypeError("connection refused");
    };
    const check = await checkUrl("https://x.example/", {
      policy: "deny",
      resolve: createDohResolver(down.endpoint, dead),
    });
    expect(check).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^could not resolve x\.example: the DNS resolver did not answer/),
    });
  });

  it("resolves through the relay's /dns-query endpoint (DNS_RESOLVER_URL)", async () => {
    expect(env.DNS_RESOLVER_URL).toBe(`${env.RELAY_URL}/dns-query`);
    const addresses = await relayDns("localhost");
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(classifyAddress(address)?.category).toBe("loopback");
  });
});
