/** The agent's model settings cannot work (missing key, missing base URL): the user must fix the agent. */
export class ModelConfigurationError extends Error {
  readonly code = "model_configuration";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelConfigurationError";
  }
}

/** Maps anything a run throws to the `{code, message}` of a `run.failed` event, without leaking secrets. */
export function describeRunFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ModelConfigurationError) return { code: error.code, message: error.message };
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number") {
    if (status === 401 || status === 403) {
      return { code: "provider_auth_failed", message: "The model provider refused the credential." };
    }
    if (status === 429)
      return { code: "provider_rate_limited", message: "The model provider is rate limiting." };
    return { code: "provider_error", message: `The model provider answered with status ${status}.` };
  }
  if (error instanceof Error && error.name === "AbortError") {
    return { code: "cancelled", message: "The run was cancelled." };
  }
  return { code: "run_failed", message: "The run failed unexpectedly. Try again." };
}
