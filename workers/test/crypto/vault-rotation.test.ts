import {
  Fernet,
  generateFernetKey,
  MultiFernet,
  openSecretRotating,
  sealSecret,
} from "@switchboard/durable-objects/crypto";
import { describe, expect, it } from "vitest";

describe("credential key rotation", () => {
  it("opens with the newest key first and reseals what an older key opened", async () => {
    const oldKey = generateFernetKey();
    const newKey = generateFernetKey();
    const sealedOld = await sealSecret(oldKey, { fields: { apiKey: "brave-123" } });

    const rotated = await openSecretRotating<{ fields: Record<string, string> }>(
      `${newKey},${oldKey}`,
      sealedOld,
    );
    expect(rotated.secret.fields.apiKey).toBe("brave-123");
    expect(rotated.resealed).toBeDefined();
    // The resealed token opens with the new key alone, so the old key can be retired.
    const newOnly = await Fernet.fromKey(newKey);
    expect(JSON.parse(await newOnly.decryptText(rotated.resealed ?? ""))).toEqual({
      fields: { apiKey: "brave-123" },
    });

    const current = await openSecretRotating(`${newKey},${oldKey}`, rotated.resealed ?? "");
    expect(current.resealed).toBeUndefined();
  });

  it("keeps the original timestamp when resealing", async () => {
    const oldKey = generateFernetKey();
    const newKey = generateFernetKey();
    const issuedAt = new Date(1_700_000_000_000);
    const token = await (await Fernet.fromKey(oldKey)).encrypt("x", { now: issuedAt });
    const { resealed } = await (await MultiFernet.fromKeys([newKey, oldKey])).decryptAndRotate(token);
    const { issuedAt: kept } = await (await Fernet.fromKey(newKey)).decryptWithTimestamp(resealed ?? "");
    expect(kept.getTime()).toBe(issuedAt.getTime());
  });
});
