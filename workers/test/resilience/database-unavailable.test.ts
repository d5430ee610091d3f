import { neonConfig } from "@switchboard/db/client";
import type { ErrorBody } from "@switchboard/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";

const realFetch = neonConfig.fetchFunction;
afterEach(() => {
  neonConfig.fetchFunction = realFetch;
});

describe("when the database is overloaded or down", () => {
  it("answers 503 with Retry-After when the SQL endpoint's pool is exhausted", async () => {
    const { accessToken } = await registerUser();
    // What the relay answers when no connection frees up in time (see relay/src/sql-errors.ts).
    neonConfig.fetchFunction = async () =>
      new Response(JSON.stringify({ message: "too many clients: the pool is exhausted", code: "53300" }), {
        status: 503,
      });
    const res = await api<ErrorBody>("/agents", { token: accessToken });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBeTruthy();
    expect(res.body.error.code).toBe("service_unavailable");
  });

  it("answers 503 when the SQL endpoint cannot be reached at all", async () => {
    const { accessToken } = await registerUser();
    neonConfig.fetchFunction = async () => {
      throw new TypeError("fetch failed");
    };
    const res = await api<ErrorBody>("/agents", { token: accessToken });
    expect(res.status).toBe(503);
  });
});
