import { mcpOAuthStates } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { and, eq, lt, sql } from "drizzle-orm";

/** How long a started authorization may take: enough to sign in and consent, short enough to go stale. */
export const OAUTH_STATE_TTL_MINUTES = 10;

export interface NewPendingAuthorization {
  stateHash: string;
  userId: string;
  serverId: string;
  bindingHash: string;
  redirectUri: string;
  flowCiphertext: string;
}

export interface PendingAuthorization {
  userId: string;
  serverId: string;
  redirectUri: string;
  flowCiphertext: string;
  /** Older than the TTL, by the database's clock (the one `created_at` was written with). */
  expired: boolean;
}

/**
 * Records a started authorization, and sweeps the ones nobody came back for (a callback that never
 * arrives must not leave rows behind for ever).
 * @example await savePendingAuthorization(db, { stateHash, userId, serverId, bindingHash, redirectUri, flowCiphertext });
 */
export async function savePendingAuthorization(db: Database, row: NewPendingAuthorization): Promise<void> {
  await db.delete(mcpOAuthStates).where(lt(mcpOAuthStates.createdAt, expiryCutoff()));
  await db.insert(mcpOAuthStates).values(row);
}

/**
 * Takes the pending authorization of `stateHash` if the browser presenting it is the one that started it.
 * Taking deletes it in the same statement, so a replayed callback finds nothing; a stranger's browser
 * (wrong binding) deletes nothing, so it cannot spoil the user's own attempt either.
 */
export async function takePendingAuthorization(
  db: Database,
  stateHash: string,
  bindingHash: string,
): Promise<PendingAuthorization | undefined> {
  const [row] = await db
    .delete(mcpOAuthStates)
    .where(and(eq(mcpOAuthStates.stateHash, stateHash), eq(mcpOAuthStates.bindingHash, bindingHash)))
    .returning({
      userId: mcpOAuthStates.userId,
      serverId: mcpOAuthStates.serverId,
      redirectUri: mcpOAuthStates.redirectUri,
      flowCiphertext: mcpOAuthStates.flowCiphertext,
      expired: sql<boolean>`${mcpOAuthStates.createdAt} < ${expiryCutoff()}`,
    });
  return row;
}

/** Whose pending authorization a state names, without taking it: for auditing a refused callback. */
export async function pendingOwner(
  db: Database,
  stateHash: string,
): Promise<{ userId: string; serverId: string } | undefined> {
  const [row] = await db
    .select({ userId: mcpOAuthStates.userId, serverId: mcpOAuthStates.serverId })
    .from(mcpOAuthStates)
    .where(eq(mcpOAuthStates.stateHash, stateHash))
    .limit(1);
  return row;
}

function expiryCutoff() {
  return sql`now() - make_interval(mins => ${OAUTH_STATE_TTL_MINUTES})`;
}
