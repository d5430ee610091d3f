import { z } from "zod";

/** Machine-readable error codes the API returns in `{error:{code,message}}`. */
export const ErrorCode = {
  invalidJson: "invalid_json",
  validationFailed: "validation_failed",
  payloadTooLarge: "payload_too_large",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  notFound: "not_found",
  conflict: "conflict",
  emailTaken: "registration_failed",
  invalidCredentials: "invalid_credentials",
  runInProgress: "run_in_progress",
  rateLimited: "rate_limited",
  urlNotAllowed: "url_not_allowed",
  consentRequired: "consent_required",
  badGateway: "bad_gateway",
  unavailable: "service_unavailable",
  internal: "internal_error",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe("Machine-readable error code"),
    message: z.string().describe("Human-readable explanation"),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
