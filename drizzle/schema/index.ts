export * from "./agents.ts";
export * from "./api-keys.ts";
export * from "./audit-log.ts";
export * from "./conversations.ts";
export * from "./credentials.ts";
export * from "./organizations.ts";
export * from "./users.ts";
