export * from "./client-scenarios.ts";
export * from "./report.ts";
export * from "./serve-over-http.ts";
export * from "./server-scenarios.ts";
