/**
 * Who may act right now. The token or ticket proves who is calling; the database
 * decides whether they still may: one indexed query loads the user, its tenant and
 * its session, so deactivation, tenant suspension, logout, a role change or a move
 * take effect on the very next request (within 2 ms of another process's write)
 * rather than at token expiry.
 * @module
 */
import { and, eq, sql } from "drizzle-orm";
import { changeEpoch } from "../db/change-epochs.ts";
import { changeVersion } from "../db/change-version.ts";
import type { Database } from "../db/database.ts";
import { preparedPerDatabase } from "../db/prepared.ts";
import { auth_sessions, tenants, users } from "../db/schema/index.ts";
import { ApiError } from "../lib/errors.ts";
import { lruPerOwner } from "../lib/lru.ts";
import { placementOf } from "../scope/roles.ts";
import type { Actor } from "../scope/scope.ts";

/**
 * The query runs on every authenticated request, so it is built once per database
 * and reused with placeholders (building it was a third of its cost).
 */
const preparedActorQuery = preparedPerDatabase<ReturnType<typeof buildActorQuery>>(1);
const actorQuery = (db: Database) => preparedActorQuery(db, "actor", () => buildActorQuery(db));

function buildActorQuery(db: Database) {
  return db
    .select({
      id: users.id,
      role: users.role,
      tenant_id: users.tenant_id,
      region_id: users.region_id,
      branch_id: users.branch_id,
      is_active: users.is_active,
      tenant_active: tenants.is_active,
      session_revoked_at: auth_sessions.revoked_at,
      session_expires_at: auth_sessions.expires_at,
    })
    .from(users)
    .innerJoin(
      auth_sessions,
      and(eq(auth_sessions.id, sql.placeholder("sessionId")), eq(auth_sessions.user_id, users.id)),
    )
    .leftJoin(tenants, eq(tenants.id, users.tenant_id))
    .where(eq(users.id, sql.placeholder("userId")))
    .limit(1)
    .prepare();
}

type ActorRow = Awaited<ReturnType<ReturnType<typeof buildActorQuery>["all"]>>[number];

/**
 * The query's answer is remembered with the `access` change epoch
 * (change-epochs.ts) and used while that has not moved: a deactivation, a
 * suspension, a logout or a move moves it in its own transaction, so the next
 * request asks the database again: at once after a write of any serving thread,
 * within `CHANGE_POLL_MS` (2 ms) after one of another process. Other writes (a
 * client's notes, a task) leave every entry standing. The rules below still run
 * on every request, against the injected clock.
 */
const rememberedIn = lruPerOwner<Database, string, { row: ActorRow; access: number }>(10_000);

async function actorRow(
  db: Database,
  userId: string,
  sessionId: string,
): Promise<{ row: ActorRow | undefined; version: number | undefined }> {
  const version = changeVersion(db);
  const epoch = changeEpoch(db, "access", version);
  if (epoch === undefined) {
    return { row: (await actorQuery(db).all({ userId, sessionId }))[0], version };
  }
  // The epoch read before the query: a commit while it runs makes the entry stale.
  const access = await epoch;
  const cache = rememberedIn(db);
  const key = `${userId} ${sessionId}`;
  const hit = cache.get(key);
  if (hit && hit.access === access) return { row: hit.row, version };
  const [row] = await actorQuery(db).all({ userId, sessionId });
  // An absent session is not remembered: no epoch moves when one is created.
  if (row) cache.set(key, { row, access });
  return { row, version };
}

/**
 * Loads a user through one of its sessions and refuses, with 401, anyone who may no
 * longer act: an ended session, a deactivated user, a suspended tenant. Bearer
 * tokens, stream tickets and open streams' periodic checks all come through here.
 */
export async function liveActor(
  db: Database,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<Actor> {
  const { row, version } = await actorRow(db, userId, sessionId);

  if (!row || row.session_revoked_at !== null || row.session_expires_at <= now.toISOString()) {
    throw new ApiError(401, "session_revoked", "This session has ended; log in again.");
  }
  if (!row.is_active) throw new ApiError(401, "user_inactive", "This account is deactivated.");
  if (row.tenant_id !== null && row.tenant_active !== true) {
    throw new ApiError(401, "tenant_suspended", "This agency's account is suspended.");
  }
  const placement = placementOf(row.role);
  const placed = placement === "platform" ||
    (row.tenant_id !== null && (placement === "tenant" || row.region_id !== null) &&
      (placement !== "branch" || row.branch_id !== null));
  if (!placed) throw new ApiError(403, "not_placed", "This account has no valid placement.");
  return {
    userId: row.id,
    role: row.role,
    tenantId: row.tenant_id,
    regionId: row.region_id,
    branchId: row.branch_id,
    sessionId,
    version,
  };
}
