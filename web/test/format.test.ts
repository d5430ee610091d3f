import { describe, expect, it } from "vitest";
import { formatDuration } from "../src/lib/format.ts";

describe("formatDuration", () => {
  it("shows milliseconds under ten seconds and seconds above", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(42)).toBe("42 ms");
    expect(formatDuration(9_999)).toBe("9999 ms");
    expect(formatDuration(12_345)).toBe("12.3 s");
  });

  it("shows nothing for nonsense", () => {
    expect(formatDuration(-1)).toBe("");
    expect(formatDuration(Number.NaN)).toBe("");
  });
});
