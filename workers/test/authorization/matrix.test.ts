import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { routePermissions } from "../../src/auth/authorize.ts";
import { CASES, fillPath } from "./cases.ts";
import { buildFixture, credentialOf, type Fixture } from "./fixture.ts";
import { type Sent, send } from "./http.ts";
import { KNOWN_BUGS, MATRIX } from "./matrix-table.ts";
import { PRINCIPALS, type PrincipalName } from "./principals.ts";

/** What each status's error body must say, so clients can branch on the code. */
const ERROR_CODES: Record<number, string> = { 401: "unauthorized", 403: "forbidden", 404: "not_found" };

/** Routes that exist but are not API operations, so they have no row. */
const NOT_OPERATIONS = new Set(["GET /openapi.json"]);

/** "METHOD /path" for every operation of the served OpenAPI document (paths in its `{param}` syntax). */
async function documentedOperations(): Promise<Set<string>> {
  const res = await send({ path: "/openapi.json" });
  expect(res.status).toBe(200);
  const doc = res.json as { paths: Record<string, Record<string, unknown>> };
  return new Set(
    Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
}

/** Every route the app registers (middleware excluded), in the same "METHOD /{param}" form. */
function registeredRoutes(): Set<string> {
  return new Set(
    createApp()
      .routes.filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path.replace(/^\/api\/v1/, "").replace(/:(\w+)/g, "{$1}")}`),
  );
}

const without = (a: Iterable<string>, b: ReadonlySet<string>) => [...a].filter((x) => !b.has(x)).sort();

describe("the authorization matrix covers every route", () => {
  it("has a row for every OpenAPI operation, and an operation for every row", async () => {
    const documented = await documentedOperations();
    const rows = new Set(MATRIX.map((row) => row.route));
    expect(without(documented, rows), "operations with no matrix row").toEqual([]);
    expect(without(rows, documented), "matrix rows with no operation").toEqual([]);
  });

  it("documents every registered route, so none can hide from the matrix", async () => {
    const documented = await documentedOperations();
    expect(without(registeredRoutes(), new Set([...documented, ...NOT_OPERATIONS]))).toEqual([]);
  });

  it("has a declared permission for every operation, and an operation for every declaration", async () => {
    createApp(); // registering the routes is what fills routePermissions
    const documented = await documentedOperations();
    const declared = new Set(routePermissions.keys());
    expect(without(documented, declared), "operations without authorize()").toEqual([]);
    expect(without(declared, documented), "authorize() for undocumented routes").toEqual([]);
  });

  it("knows how to build every row's request, and builds no request without a row", () => {
    const keys = new Set(MATRIX.map((row) => row.key));
    expect(without(keys, new Set(Object.keys(CASES)))).toEqual([]);
    expect(without(Object.keys(CASES), keys)).toEqual([]);
    expect(keys.size, "duplicate rows").toBe(MATRIX.length);
  });

  it("explains every known bug, and only those", () => {
    const marked = new Set(
      MATRIX.filter((row) => Object.values(row.cells).some((cell) => cell.knownBug)).map((row) => row.key),
    );
    expect([...marked].sort()).toEqual(Object.keys(KNOWN_BUGS).sort());
  });
});

/**
 * What the outsider and the anonymous caller were told, and every refusal: none may carry an id of A's or
 * T's (checked once all cells ran).
 */
const strangersSaw: { label: string; text: string }[] = [];
const isStranger = (who: PrincipalName) => who === "outsider" || who === "anonymous";

describe("the authorization matrix", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await buildFixture();
  }, 120_000);

  for (const row of MATRIX) {
    describe(row.key, () => {
      for (const who of PRINCIPALS) {
        const { status, knownBug } = row.cells[who];
        // A known bug runs as an expected failure: it turns red when fixed, to have its `!` removed.
        const test = knownBug ? it.fails : it;
        test(`${who} → ${status}${knownBug ? " (known bug: see KNOWN_BUGS)" : ""}`, async () => {
          const build = CASES[row.key];
          if (!build) throw new Error(`no case for ${row.key}`);
          const prepared = await build(fx, who);
          const res: Sent = await send({
            method: row.method,
            path: fillPath(row.path, prepared.params),
            body: prepared.body,
            headers: prepared.headers,
            credential: credentialOf(fx, who),
          });
          await prepared.after?.(res);
          if (isStranger(who) || res.status >= 400)
            strangersSaw.push({ label: `${row.key} as ${who}`, text: res.text });
          expect(res.status, `${row.key} as ${who}: ${res.text}`).toBe(status);
          if (status >= 400) {
            expect(res.json).toMatchObject({
              error: { code: ERROR_CODES[status], message: expect.any(String) },
            });
            await prepared.unchanged?.();
          }
        });
      }
    });
  }

  it("never shows an outsider, an anonymous caller or a refused caller an id of A's or T's", () => {
    expect(strangersSaw.length).toBeGreaterThan(0);
    const leaks = strangersSaw.flatMap(({ label, text }) =>
      [...fx.privateIds].filter((id) => text.includes(id)).map((id) => `${label}: ${id}`),
    );
    expect(leaks).toEqual([]);
  });
});
