export * from "./base64.ts";
export * from "./fernet.ts";
export * from "./vault.ts";
