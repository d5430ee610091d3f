import { ErrorBody } from "@switchboard/protocol";
import { z } from "zod";

/** Response entries every route shares in the OpenAPI document. */
export const errorResponses = {
  400: { description: "Malformed request", content: { "application/json": { schema: ErrorBody } } },
  401: { description: "Not authenticated", content: { "application/json": { schema: ErrorBody } } },
  404: { description: "Not found (or not yours)", content: { "application/json": { schema: ErrorBody } } },
  413: { description: "Body too large", content: { "application/json": { schema: ErrorBody } } },
  422: { description: "Validation failed", content: { "application/json": { schema: ErrorBody } } },
  503: {
    description: "Temporarily overloaded; retry after `Retry-After`",
    content: { "application/json": { schema: ErrorBody } },
  },
} as const;

export const bearerSecurity = [{ Bearer: [] }];

export const IdParam = z.object({ id: z.uuid().describe("Resource id") });

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}
