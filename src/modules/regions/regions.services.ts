/** Region writes (super_admin and country_manager). @module */
import type { z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { auditStatement, changedFields } from "../../audit/audit.ts";
import { guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { branches, regions, users } from "../../db/schema/index.ts";
import { ApiError } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { requireTenantManager } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { CreateRegionSchema, Region, UpdateRegionSchema } from "./regions.schemas.ts";
import { getRegion } from "./regions.selectors.ts";

const nameTaken = () =>
  new ApiError(409, "region_name_taken", "This agency already has a region with that name.");

/** Creates a region in the caller's tenant. */
export async function createRegion(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateRegionSchema>,
): Promise<Region> {
  requireTenantManager(scope, "create regions");
  const now = meta.now.toISOString();
  const region: Region = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    name: input.name,
    description: input.description ?? "",
    created_at: now,
    updated_at: now,
    created_by: scope.actor.userId,
    updated_by: scope.actor.userId,
  };
  await runBatch(db, [
    db.insert(regions).values(region),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "create",
      entityType: "region",
      entityId: region.id,
      after: region,
    }),
  ], { "regions.tenant_id, regions.name": nameTaken() });
  return region;
}

/** Renames or re-describes a region. */
export async function updateRegion(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateRegionSchema>,
): Promise<Region> {
  const before = await getRegion(db, scope, id);
  requireTenantManager(scope, "change regions");
  const after: Region = {
    ...before,
    ...input,
    updated_at: meta.now.toISOString(),
    updated_by: scope.actor.userId,
  };
  const diff = changedFields(before, after);
  if (Object.keys(diff.after).length === 0) return before;
  await runBatch(db, [
    db.update(regions).set({ ...input, updated_at: after.updated_at, updated_by: after.updated_by })
      .where(eq(regions.id, id)),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "update",
      entityType: "region",
      entityId: id,
      ...diff,
    }),
  ], { "regions.tenant_id, regions.name": nameTaken() });
  return after;
}

/**
 * Deletes an empty region. Regions are not soft-deletable (SPEC §3), so one that
 * still has branches (even deleted ones, which keep their history) or users is a 409.
 */
export async function deleteRegion(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const region = await getRegion(db, scope, id);
  requireTenantManager(scope, "delete regions");
  const inUse = new ApiError(
    409,
    "region_in_use",
    "Move or delete this region's branches and users first.",
  );
  const empty = sql`NOT EXISTS (SELECT 1 FROM ${branches} WHERE ${branches.region_id} = ${id})
    AND NOT EXISTS (SELECT 1 FROM ${users} WHERE ${users.region_id} = ${id})`;
  await runBatch(db, [
    guard(empty, inUse),
    ...hardDeleteSteps(db, scope, meta, { table: regions, entityType: "region", before: region }),
  ]);
}
