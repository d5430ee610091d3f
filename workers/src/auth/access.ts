import { ErrorCode } from "@switchboard/protocol";
import { ApiError } from "../http/api-error.ts";

export { accessible, roleAllows, roleInTeam } from "@switchboard/db/access";

/**
 * The outcome of one lookup that selected a row the caller can read plus whether they may `action` it:
 * invisible is a 404, visible but forbidden is a 403 (so the UI can say why), else the row.
 */
export function requireAccess<Row>(
  found: { row: Row; allowed: boolean } | undefined,
  what: string,
  denied: string,
): Row {
  if (!found) throw ApiError.notFound(what);
  if (!found.allowed) throw new ApiError(403, ErrorCode.forbidden, denied);
  return found.row;
}
