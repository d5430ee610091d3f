import { EncryptJWT, jwtDecrypt } from "jose";
import { BRIDGE_AUDIENCE, BRIDGE_TOKEN_TTL_SECONDS, type BridgeClaims } from "./bridge.ts";

async function bridgeKey(secret: string): Promise<Uint8Array> {
  if (secret.length < 32) throw new Error("WORKSPACE_HOST_SECRET must be at least 32 characters");
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
}

/** Seals claims for one workspace-host connection; the credential env inside is encrypted. */
export async function sealBridgeToken(secret: string, claims: BridgeClaims): Promise<string> {
  return new EncryptJWT({ ...claims })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setAudience(BRIDGE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${BRIDGE_TOKEN_TTL_SECONDS}s`)
    .encrypt(await bridgeKey(secret));
}

/** Opens a bridge token; throws on any tampering, expiry or wrong audience. */
export async function openBridgeToken(secret: string, token: string): Promise<BridgeClaims> {
  const { payload } = await jwtDecrypt(token, await bridgeKey(secret), {
    audience: BRIDGE_AUDIENCE,
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
    requiredClaims: ["exp", "iat", "sub"],
  });
  const { sub, srv, cat, own, env } = payload as Partial<BridgeClaims>;
  if (
    typeof sub !== "string" ||
    typeof srv !== "string" ||
    typeof cat !== "string" ||
    typeof own !== "string" ||
    typeof env !== "object" ||
    env === null ||
    !Object.values(env).every((v) => typeof v === "string")
  ) {
    throw new Error("bridge token has missing or malformed claims");
  }
  return { sub, srv, cat, own, env };
}
