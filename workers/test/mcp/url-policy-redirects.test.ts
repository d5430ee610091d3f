import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createGuardedFetch,
  type Resolver,
  UrlNotAllowedError,
} from "../../../durable-objects/src/mcp/url-policy/index.ts";
import { nextHop } from "../../../durable-objects/src/mcp/url-policy/redirect-hop.ts";

// The guarded fetch against the loopback redirect server (workers/test/support/redirect-server.ts). Refused
// hops (10.0.0.1, 169.254.169.254, …) are never contacted: the recording fetch proves nothing was sent there.

/** Every URL here is an address literal; a DNS lookup would be a bug. */
const noDns: Resolver = async (host) => {
  throw new Error(`unexpected DNS lookup of ${host}`);
};

const server = env.REDIRECT_SERVER_URL;

/** A URL on the redirect server that answers `status` with Location `location`. */
function redirectTo(location: string, status = 302): string {
  return `${server}/to?location=${encodeURIComponent(location)}&status=${status}`;
}

/** A chain of `hops` redirects that ends at `final`. */
function chain(hops: number, final: string): string {
  let url = final;
  for (let i = 0; i < hops; i++) url = redirectTo(url);
  return url;
}

async function hits(path: string): Promise<number> {
  const response = await fetch(`${server}/hits?path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { hits: number }).hits;
}

/** A guarded fetch under the loopback policy, recording every URL it actually sends to. */
function guardedWithLog(maxRedirects?: number) {
  const sent: string[] = [];
  const recorder: typeof fetch = (input, init) => {
    sent.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  const guarded = createGuardedFetch({
    policy: "loopback",
    resolve: noDns,
    fetch: recorder,
    ...(maxRedirects === undefined ? {} : { maxRedirects }),
  });
  return { guarded, sent };
}

async function refusal(promise: Promise<unknown>): Promise<UrlNotAllowedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UrlNotAllowedError);
  const refused = error as UrlNotAllowedError;
  expect(refused.name).toBe("UrlNotAllowedError");
  expect(refused.code).toBe("url_not_allowed");
  expect(refused.message).toBe(refused.reason);
  return refused;
}

describe("createGuardedFetch", () => {
  it("follows a loopback redirect chain to the final answer", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const { guarded, sent } = guardedWithLog();
    const response = await guarded(chain(2, `${server}${path}`));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(sent).toHaveLength(3);
    expect(await hits(path)).toBe(1);
  });

  it("resolves a relative Location against the current URL", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const { guarded } = guardedWithLog();
    const response = await guarded(new URL(redirectTo(path, 301)));
    expect(await response.text()).toBe("ok");
    expect(await hits(path)).toBe(1);
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["http://10.0.0.1/", "10.0.0.1 is a private address"],
    ["http://[::ffff:10.0.0.1]/", "::ffff:a00:1 is a private address (it carries IPv4 10.0.0.1)"],
    [
      "http://metadata.google.internal/computeMetadata/v1/",
      "metadata.google.internal is a cloud metadata host",
    ],
  ])("refuses a redirect to %s without sending anything there", async (target, reason) => {
    const { guarded, sent } = guardedWithLog();
    const start = redirectTo(target);
    const error = await refusal(guarded(start));
    expect(error.reason).toContain(`${server}/to redirected to ${new URL(target).protocol}//`);
    expect(error.reason).toContain(reason);
    expect(error.url).toBe(`${new URL(target).origin}${new URL(target).pathname}`);
    expect(sent).toEqual([start]);
  });

  it("refuses a refused first URL before sending anything", async () => {
    const { guarded, sent } = guardedWithLog();
    const error = await refusal(guarded("http://10.0.0.1/mcp", { method: "POST", body: "{}" }));
    expect(error.reason).toBe(
      "10.0.0.1 is a private address; this deployment allows loopback but no other private networks",
    );
    await refusal(guarded(new Request("http://169.254.169.254/")));
    expect(sent).toEqual([]);
  });

  it("follows exactly maxRedirects hops, and fails clearly on one more", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const { guarded } = guardedWithLog(3);
    expect((await guarded(chain(3, `${server}${path}`))).status).toBe(200);
    await expect(guarded(chain(4, `${server}${path}`))).rejects.toThrow(
      `Too many redirects: ${server}/to still redirected after 3 hops`,
    );
    expect(await hits(path)).toBe(1);
    // The default is 5.
    await expect(
      createGuardedFetch({ policy: "loopback", resolve: noDns })(chain(6, `${server}/ok`)),
    ).rejects.toThrow("after 5 hops");
  });

  it("passes a Request's method, headers and body through a 307", async () => {
    const { guarded } = guardedWithLog();
    const request = new Request(redirectTo(`${server}/echo`, 307), {
      method: "POST",
      headers: { "content-type": "application/json", "x-trace": "abc" },
      body: JSON.stringify({ jsonrpc: "2.0", method: "ping", id: 1 }),
    });
    const echo = (await (await guarded(request)).json()) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(echo.method).toBe("POST");
    expect(JSON.parse(echo.body)).toEqual({ jsonrpc: "2.0", method: "ping", id: 1 });
    expect(echo.headers["x-trace"]).toBe("abc");
    expect(echo.headers["content-type"]).toBe("application/json");
  });

  it("takes (URL, init) and keeps method and body through a 308", async () => {
    const { guarded } = guardedWithLog();
    const response = await guarded(new URL(redirectTo("/echo", 308)), {
      method: "PUT",
      headers: new Headers({ authorization: "Bearer same-origin" }),
      body: "payload",
    });
    expect(await response.json()).toMatchObject({
      method: "PUT",
      body: "payload",
      headers: { authorization: "Bearer same-origin" },
    });
  });

  it.each([303, 302, 301])("turns a POST into a GET without body on %i", async (status) => {
    const { guarded } = guardedWithLog();
    const response = await guarded(redirectTo("/echo", status), {
      method: "POST",
      headers: { "content-type": "text/plain", "x-keep": "1" },
      body: "dropped",
    });
    const echo = (await response.json()) as { method: string; body: string; headers: Record<string, string> };
    expect(echo).toMatchObject({ method: "GET", body: "", headers: { "x-keep": "1" } });
    expect(echo.headers["content-type"]).toBeUndefined();
  });

  it('returns the 3xx as is when the caller asks for redirect: "manual" (as the MCP SDK does)', async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const { guarded } = guardedWithLog();
    const response = await guarded(redirectTo(path), { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(path);
    expect(await hits(path)).toBe(0);
    // The caller's next call is checked like any other.
    await refusal(guarded("http://10.0.0.1/", { redirect: "manual" }));
  });

  it("passes the abort signal on", async () => {
    const { guarded } = guardedWithLog();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(guarded(`${server}/ok`, { signal: controller.signal })).rejects.toThrow();
  });
});

describe("nextHop (credentials across origins)", () => {
  it("drops Authorization and Cookie when a redirect leaves the origin, and keeps them within it", () => {
    const headers = new Headers({ authorization: "Bearer t", cookie: "a=b", "x-api": "k" });
    const from = { url: new URL("https://a.example/mcp"), method: "GET", headers, body: null };
    const away = nextHop(from, 302, new URL("https://b.example/mcp"));
    expect([...away.headers.keys()]).toEqual(["x-api"]);
    const same = nextHop(from, 307, new URL("https://a.example/other"));
    expect(same.headers.get("authorization")).toBe("Bearer t");
  });
});
