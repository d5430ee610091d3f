import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { canonicalConnectionString, connectionStringMatcher } from "../src/connection-string.ts";
import { jsonParamToPgText, pgTextToJson } from "../src/pg-text.ts";
import { RELAY_SECRET } from "./helpers.ts";

describe("connection string matching", () => {
  const configured = "postgres://app:s3cret@db.internal:5432/switchboard?sslmode=require";
  const matches = connectionStringMatcher(configured);

  it("accepts the string as the neon() driver rewrites it", () => {
    expect(
      matches(
        "postgresql://app:s3cret@db.internal:5432/switchboard?sslmode=require&application_name=pkg%3Anpm%2F%2540neondatabase%2Fserverless%401.2.0",
      ),
    ).toBe(true);
    expect(matches(configured)).toBe(true);
  });

  it("refuses anything else", () => {
    expect(matches(undefined)).toBe(false);
    expect(matches("")).toBe(false);
    expect(matches("not a url")).toBe(false);
    expect(matches("postgres://app:wrong@db.internal:5432/switchboard?sslmode=require")).toBe(false);
    expect(matches("postgres://app:s3cret@db.internal:5432/other?sslmode=require")).toBe(false);
    expect(matches("postgres://app:s3cret@db.internal:5432/switchboard")).toBe(false);
    expect(matches("mysql://app:s3cret@db.internal:5432/switchboard?sslmode=require")).toBe(false);
  });

  it("ignores parameter order", () => {
    expect(canonicalConnectionString("postgres://u:p@h/d?b=2&a=1")).toBe(
      canonicalConnectionString("postgresql://u:p@h/d?a=1&b=2"),
    );
  });
});

describe("pg text conversions", () => {
  it("turns JSON parameters into PostgreSQL text", () => {
    expect(jsonParamToPgText(null)).toBeNull();
    expect(jsonParamToPgText("a'b")).toBe("a'b");
    expect(jsonParamToPgText(42)).toBe("42");
    expect(jsonParamToPgText(true)).toBe("true");
    expect(jsonParamToPgText({ a: 1 })).toBe('{"a":1}');
    expect(jsonParamToPgText([1, null, 'x"y\\z', [true], { k: "v" }])).toBe(
      '{1,NULL,"x\\"y\\\\z",{true},"{\\"k\\":\\"v\\"}"}',
    );
  });

  it("types text output like Neon does", () => {
    expect(pgTextToJson("t", 16)).toBe(true);
    expect(pgTextToJson("-7", 23)).toBe(-7);
    expect(pgTextToJson("9007199254740993", 20)).toBe("9007199254740993");
    expect(pgTextToJson("1.25", 701)).toBe(1.25);
    expect(pgTextToJson("-Infinity", 701)).toBe("-Infinity");
    expect(pgTextToJson('{"a": [1]}', 3802)).toEqual({ a: [1] });
    expect(pgTextToJson("{{1,2},{NULL,4}}", 1007)).toEqual([
      [1, 2],
      [null, 4],
    ]);
    expect(pgTextToJson('{"a b","NULL",NULL,"q\\"x"}', 1009)).toEqual(["a b", "NULL", null, 'q"x']);
    expect(pgTextToJson('{"{\\"k\\": 1}"}', 3807)).toEqual([{ k: 1 }]);
    expect(pgTextToJson("[0:1]={t,f}", 1000)).toEqual([true, false]);
    expect(pgTextToJson("{}", 1007)).toEqual([]);
    expect(pgTextToJson("2024-01-01", 1082)).toBe("2024-01-01");
  });
});

describe("configuration", () => {
  it("explains what is missing", () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/DATABASE_URL is required[\s\S]*RELAY_SECRET is required/);
    expect(() => loadConfig({ DATABASE_URL: "postgres://u:p@h/d", RELAY_SECRET: "short" })).toThrow(
      /RELAY_SECRET must be at least 32 characters/,
    );
  });

  it("applies defaults", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@h/d", RELAY_SECRET, RELAY_PORT: "" })).toEqual({
      databaseUrl: "postgres://u:p@h/d",
      relaySecret: RELAY_SECRET,
      port: 8788,
      host: "127.0.0.1",
      poolMax: 10,
      acquireTimeoutMs: 5000,
    });
  });
});
