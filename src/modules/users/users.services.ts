/**
 * Staff user writes under SPEC §2's hierarchy: a user is created only by the role
 * directly above it, managed only by roles above it, and only inside the
 * manager's scope. Users are never hard-deleted: deactivation ends their sessions.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { type AuditAction, auditStatement, changedFields } from "../../audit/audit.ts";
import { revokeUserSessionsStatement } from "../../auth/auth.services.ts";
import type { PasswordHasher } from "../../auth/passwords.ts";
import { type BatchStep, guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { branches, users } from "../../db/schema/index.ts";
import { ApiError, forbidden, notFound } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { creatableRole, isBelow, placementOf } from "../../scope/roles.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { type Placement, resolvePlacement } from "./users.placement.ts";
import type { CreateUserSchema, UpdateUserSchema, User } from "./users.schemas.ts";
import { emailInUse, getUser } from "./users.selectors.ts";

type Deps = { db: Database; passwords: PasswordHasher };

const emailTaken = () => new ApiError(409, "email_taken", "A user with this email already exists.");

/**
 * The batch guard that the placement's branch is live when the write lands: no
 * active user sits in a deleted branch (SPEC §2), whether placed or reactivated.
 */
function placementGuard(placement: Placement): BatchStep[] {
  if (!placement.branch_id) return [];
  return [guard(
    sql`EXISTS (SELECT 1 FROM ${branches} WHERE ${branches.id} = ${placement.branch_id} AND ${branches.deleted_at} IS NULL)`,
    new ApiError(
      409,
      "branch_deleted",
      "The user's branch is deleted; restore it or move the user first.",
    ),
  )];
}

/** Creates a user of the role directly below the caller's, inside its scope. */
export async function createUser(
  { db, passwords }: Deps,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateUserSchema>,
): Promise<User> {
  const actor = scope.actor;
  const allowed = creatableRole(actor.role);
  if (input.role !== allowed) {
    throw forbidden(
      allowed
        ? `A ${actor.role} creates ${allowed} users only.`
        : `A ${actor.role} cannot create users.`,
    );
  }
  if (input.tenant_id && input.tenant_id !== scope.tenantId) throw notFound("Tenant");
  const placement = await resolvePlacement(db, scope, input.role, input);
  if (await emailInUse(db, input.email)) throw emailTaken();

  const now = meta.now.toISOString();
  const user: User = {
    id: uuidv7(meta.now.getTime()),
    email: input.email,
    first_name: input.first_name,
    last_name: input.last_name,
    phone: input.phone ?? "",
    role: input.role,
    tenant_id: scope.tenantId,
    ...placement,
    is_active: true,
    last_login: null,
    created_at: now,
    updated_at: now,
    created_by: actor.userId,
    updated_by: actor.userId,
  };
  await runBatch(db, [
    ...placementGuard(placement),
    db.insert(users).values({ ...user, password_hash: await passwords.hash(input.password) }),
    auditStatement(db, actor, meta, {
      tenantId: scope.tenantId,
      action: "create",
      entityType: "user",
      entityId: user.id,
      after: user,
    }),
  ], { "users.email": emailTaken() });
  return user;
}

const SELF_EDITABLE = new Set(["first_name", "last_name", "phone"]);

/**
 * Changes a user. Oneself: names and phone only. Others: only users of a role
 * strictly below the caller's, never raised to the caller's level, never moved
 * outside the caller's scope. A new password or a deactivation ends the user's
 * sessions in the same batch.
 */
export async function updateUser(
  { db, passwords }: Deps,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateUserSchema>,
): Promise<User> {
  const actor = scope.actor;
  const before = await getUser(db, scope, id);
  if (before.id === actor.userId) {
    const refused = Object.keys(input).filter((k) => !SELF_EDITABLE.has(k));
    if (refused.length > 0) {
      throw forbidden(
        `You cannot change your own ${
          refused.join(", ")
        }; passwords change at /auth/change-password.`,
      );
    }
  } else if (!isBelow(before.role, actor.role)) {
    throw forbidden("You manage only users of roles below your own.");
  }
  const role = input.role ?? before.role;
  if (!isBelow(role, actor.role) && before.id !== actor.userId) {
    throw forbidden("A user cannot be given a role at or above your own.");
  }

  const placementChanges = input.role !== undefined || input.region_id !== undefined ||
    input.branch_id !== undefined;
  const keepsKind = placementOf(role) === placementOf(before.role);
  const placement: Placement = placementChanges
    ? await resolvePlacement(db, scope, role, {
      // A new branch brings its own region; the old region stays only with the old branch.
      region_id: input.region_id !== undefined
        ? input.region_id
        : keepsKind && input.branch_id === undefined
        ? before.region_id
        : undefined,
      branch_id: input.branch_id !== undefined
        ? input.branch_id
        : keepsKind && input.region_id === undefined
        ? before.branch_id
        : undefined,
    })
    : { region_id: before.region_id, branch_id: before.branch_id };
  if (input.email && input.email !== before.email && await emailInUse(db, input.email)) {
    throw emailTaken();
  }

  const { password, ...fields } = input;
  const after: User = {
    ...before,
    ...fields,
    role,
    ...placement,
    updated_at: meta.now.toISOString(),
    updated_by: actor.userId,
  };
  const diff = changedFields(before, after);
  if (Object.keys(diff.after).length === 0 && password === undefined) return before;

  const deactivated = before.is_active && !after.is_active;
  const endSessions = deactivated || password !== undefined;
  const action: AuditAction = deactivated
    ? "deactivate"
    : Object.keys(diff.after).length === 0
    ? "password_set"
    : "update";
  const { id: _id, tenant_id: _t, created_at: _c, created_by: _cb, last_login: _l, ...changes } =
    after;
  await runBatch(db, [
    ...(placementChanges || (!before.is_active && after.is_active)
      ? placementGuard(placement)
      : []),
    db.update(users).set({
      ...changes,
      ...(password === undefined ? {} : { password_hash: await passwords.hash(password) }),
    }).where(eq(users.id, id)),
    ...(endSessions ? [revokeUserSessionsStatement(db, id, meta.now, action)] : []),
    auditStatement(db, actor, meta, {
      tenantId: scope.tenantId,
      action,
      entityType: "user",
      entityId: id,
      ...diff,
      ...(password === undefined ? {} : { after: { ...diff.after, password_changed: true } }),
    }),
  ], { "users.email": emailTaken() });
  return after;
}
