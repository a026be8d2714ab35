/**
 * Branch writes: tenant managers anywhere in the tenant, a region manager inside
 * its region. A move to another region carries the branch's staff with it.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { type Guard, guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { branches, clients, users } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { softDeleteSteps } from "../../lib/soft-delete.ts";
import { requireRole } from "../../scope/permissions.ts";
import type { Role } from "../../scope/roles.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getRegion } from "../regions/regions.selectors.ts";
import type { Branch, CreateBranchSchema, UpdateBranchSchema } from "./branches.schemas.ts";
import { getBranch } from "./branches.selectors.ts";

const BRANCH_MANAGERS: readonly Role[] = ["super_admin", "country_manager", "region_manager"];

/** The region a new or moved branch goes to: one in the caller's scope, or 404. */
async function regionFor(
  db: Database,
  scope: TenantScope,
  regionId: string | undefined,
): Promise<string> {
  if (regionId === undefined) {
    if (scope.level === "region") return scope.regionId;
    throw new ApiError(422, "validation_error", "region_id is required.", [
      { path: ["region_id"], message: "Required" },
    ]);
  }
  return (await getRegion(db, scope, regionId)).id;
}

/**
 * The guard of restoring a branch's record (client, agent): its branch must be live
 * when the batch lands, else 409 `branch_deleted`.
 */
export function branchStillLive(branchId: string, record: string): Guard {
  return guard(
    sql`EXISTS (SELECT 1 FROM ${branches} WHERE ${branches.id} = ${branchId} AND ${branches.deleted_at} IS NULL)`,
    new ApiError(
      409,
      "branch_deleted",
      `The ${record}'s branch is deleted; restore the branch first.`,
    ),
  );
}

/** Creates a branch in a region of the caller's scope. */
export async function createBranch(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateBranchSchema>,
): Promise<Branch> {
  requireRole(scope, BRANCH_MANAGERS, "create branches");
  const regionId = await regionFor(db, scope, input.region_id);
  const branch: Branch = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    region_id: regionId,
    name: input.name,
    address: input.address ?? "",
    phone: input.phone ?? "",
    email: input.email ?? null,
    ...creationStamps(scope, meta),
    deleted_at: null,
    deleted_by: null,
  };
  await runBatch(
    db,
    insertSteps(db, scope, meta, { table: branches, entityType: "branch", row: branch }),
  );
  return branch;
}

/** Changes a live branch; a new region_id moves it and its users' region. */
export async function updateBranch(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateBranchSchema>,
): Promise<Branch> {
  const before = await getBranch(db, scope, id);
  requireRole(scope, BRANCH_MANAGERS, "change branches");
  const regionId = input.region_id === undefined
    ? before.region_id
    : await regionFor(db, scope, input.region_id);
  const update = updateSteps(db, scope, meta, {
    table: branches,
    entityType: "branch",
    before,
    after: { ...before, ...input, region_id: regionId },
  });
  const moved = regionId !== before.region_id;
  await runBatch(db, [
    ...update.steps,
    ...(moved
      ? [db.update(users).set({ region_id: regionId }).where(eq(users.branch_id, id))]
      : []),
  ]);
  return update.row;
}

/**
 * Soft-deletes a branch that has no active users and no live clients (SPEC §2:
 * 409 otherwise). The rule is a guard in the batch, so a user activated or a
 * client added meanwhile still stops it.
 */
export async function deleteBranch(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const before = await getBranch(db, scope, id);
  requireRole(scope, BRANCH_MANAGERS, "delete branches");
  await runBatch(db, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${users} WHERE ${users.branch_id} = ${id} AND ${users.is_active} = 1)
        AND NOT EXISTS (SELECT 1 FROM ${clients} WHERE ${clients.branch_id} = ${id} AND ${clients.deleted_at} IS NULL)`,
      new ApiError(
        409,
        "branch_in_use",
        "Deactivate or move this branch's active users and live clients first.",
      ),
    ),
    ...softDeleteSteps(db, scope, meta, { table: branches, entityType: "branch", before }, true)
      .steps,
  ]);
}

/** Brings back a soft-deleted branch. */
export async function restoreBranch(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<Branch> {
  const before = await getBranch(db, scope, id, true);
  requireRole(scope, BRANCH_MANAGERS, "restore branches");
  if (before.deleted_at === null) return before;
  const change = softDeleteSteps(
    db,
    scope,
    meta,
    { table: branches, entityType: "branch", before },
    false,
  );
  await runBatch(db, change.steps);
  return change.row;
}
