import { OpenAPIHono } from "@hono/zod-openapi";
import { ErrorCode, findUnsafeText } from "@switchboard/protocol";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./app-types.ts";

/**
 * A router whose validation failures become 422 `validation_failed` with the zod issues, so every
 * endpoint reports bad input the same way.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) {
        const unsafe = findUnsafeText(result.data);
        if (unsafe) {
          throw new ApiError(
            422,
            ErrorCode.validationFailed,
            `${unsafe}: contains a NUL character or broken Unicode.`,
          );
        }
        return;
      }
      const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      const first = issues[0];
      const message = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "Invalid request.";
      throw new ApiError(422, ErrorCode.validationFailed, message, { issues });
    },
  });
}
