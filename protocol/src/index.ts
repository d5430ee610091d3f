export * from "./access.ts";
export * from "./api.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./frames.ts";
export * from "./relay.ts";
export * from "./text.ts";
