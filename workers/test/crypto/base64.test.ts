import {
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
} from "@switchboard/durable-objects/crypto";
import { describe, expect, it } from "vitest";

describe("base64 codecs", () => {
  it("round-trip every length and byte value", () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    for (let n = 0; n <= bytes.length; n += 1) {
      const slice = bytes.subarray(0, n);
      expect(decodeBase64(encodeBase64(slice))).toEqual(slice);
      expect(decodeBase64Url(encodeBase64Url(slice))).toEqual(slice);
      expect(decodeBase64(encodeBase64(slice, { padding: false }), { padding: false })).toEqual(slice);
      expect(decodeBase64Url(encodeBase64Url(slice, { padding: false }), { padding: false })).toEqual(slice);
    }
  });

  it("encodes with the right alphabet", () => {
    expect(encodeBase64(new Uint8Array([251, 255]))).toBe("+/8=");
    expect(encodeBase64Url(new Uint8Array([251, 255]))).toBe("-_8=");
    expect(encodeBase64Url(new Uint8Array([251, 255]), { padding: false })).toBe("-_8");
  });

  it("handles large inputs", () => {
    const big = crypto.getRandomValues(new Uint8Array(65_536));
    expect(decodeBase64Url(encodeBase64Url(big))).toEqual(big);
  });

  it("rejects non-canonical text instead of guessing", () => {
    for (const text of ["-_8", "+/8=", "-_8= ", " -_8=", "-_8==", "-_8=\n", "A", "A===", "-_=8"]) {
      expect(decodeBase64Url(text), text).toBeUndefined();
    }
    expect(decodeBase64Url("-_8=", { padding: false })).toBeUndefined();
    expect(decodeBase64("-_8=")).toBeUndefined();
    expect(decodeBase64("+/8")).toBeUndefined();
  });
});

describe("canonical base64 only", () => {
  it("refuses text whose unused low bits are set (it would decode to the same bytes as the canonical text)", () => {
    expect(decodeBase64Url("-_8=")).toEqual(new Uint8Array([251, 255]));
    expect(decodeBase64Url("-_9=")).toBeUndefined();
    expect(decodeBase64("+/8=")).toEqual(new Uint8Array([251, 255]));
    expect(decodeBase64("+/9=")).toBeUndefined();
  });
});
