import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsRoute, type LookupAll } from "../src/dns-route.ts";
import type { RunningRelay } from "../src/index.ts";
import { createTestDatabase, startTestRelay, type TestDatabase } from "./helpers.ts";

// Only names in /etc/hosts ever reach the real resolver here: any other name would send a DNS query to
// whatever server this machine uses, which may sit on a private network. Other cases use a stand-in lookup.
function stubLookup(table: Record<string, { address: string; family: number }[]>): LookupAll {
  return async (name) => {
    const found = table[name];
    if (found) return found;
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
  };
}

describe("GET /dns-query (stand-in lookup)", () => {
  const app = dnsRoute({
    lookup: stubLookup({
      "dual.test": [
        { address: "10.0.0.5", family: 4 },
        { address: "fd00::5", family: 6 },
      ],
      "v4only.test": [{ address: "192.0.2.1", family: 4 }],
    }),
  });

  it("answers A and AAAA from the lookup, each filtered by family, in DoH JSON", async () => {
    const a = await app.request("/dns-query?name=dual.test&type=A");
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toContain("application/dns-json");
    expect(await a.json()).toMatchObject({
      Status: 0,
      Question: [{ name: "dual.test", type: 1 }],
      Answer: [{ name: "dual.test", type: 1, TTL: 0, data: "10.0.0.5" }],
    });
    const aaaa = await app.request("/dns-query?name=dual.test&type=AAAA");
    expect(await aaaa.json()).toMatchObject({ Status: 0, Answer: [{ type: 28, data: "fd00::5" }] });
  });

  it("answers NOERROR with no records when the name has none of that family", async () => {
    const response = await app.request("/dns-query?name=v4only.test&type=AAAA");
    expect(await response.json()).toMatchObject({ Status: 0, Answer: [] });
  });

  it("answers Status 3 (NXDOMAIN) for an unknown name, and 2 (SERVFAIL) when the lookup breaks", async () => {
    const response = await app.request("/dns-query?name=nosuch.test&type=A");
    expect(await response.json()).toMatchObject({ Status: 3, Answer: [] });
    const broken = dnsRoute({
      lookup: async () => Promise.reject(Object.assign(new Error("temporary"), { code: "EAI_AGAIN" })),
    });
    expect(await (await broken.request("/dns-query?name=x.test&type=A")).json()).toMatchObject({ Status: 2 });
  });

  it("refuses a missing or malformed name and an unsupported type with 400", async () => {
    for (const query of [
      "",
      "?type=A",
      "?name=a%20b&type=A",
      "?name=x.test&type=MX",
      `?name=${"a".repeat(254)}`,
    ]) {
      const response = await app.request(`/dns-query${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "validation_failed" } });
    }
  });
});

describe("GET /dns-query on a running relay (the system resolver)", () => {
  let db: TestDatabase;
  let relay: RunningRelay;

  beforeAll(async () => {
    db = await createTestDatabase();
    relay = await startTestRelay(db.url);
  });

  afterAll(async () => {
    await relay?.close();
    await db?.drop();
  });

  it("resolves localhost through /etc/hosts to a loopback address", async () => {
    const [a, aaaa] = await Promise.all(
      ["A", "AAAA"].map(async (type) => {
        const response = await fetch(`${relay.url}/dns-query?name=localhost&type=${type}`, {
          headers: { accept: "application/dns-json" },
        });
        expect(response.status).toBe(200);
        return (await response.json()) as { Status: number; Answer: { data: string }[] };
      }),
    );
    expect(a?.Status).toBe(0);
    const addresses = [...(a?.Answer ?? []), ...(aaaa?.Answer ?? [])].map((answer) => answer.data);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(/^(127\.\d+\.\d+\.\d+|::1)$/);
  });
});
