/** Default local ports; each can be moved with its env var. */
export const defaultPorts = {
  worker: Number(process.env.PORT ?? 8787),
  relay: Number(process.env.RELAY_PORT ?? 8788),
  workspaceHost: Number(process.env.WORKSPACE_HOST_PORT ?? 8789),
  modelServer: Number(process.env.MODEL_SERVER_PORT ?? 8790),
  postgres: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
} as const;
export type StackPorts = { -readonly [K in keyof typeof defaultPorts]: number };
