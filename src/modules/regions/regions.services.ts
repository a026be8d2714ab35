/** Region writes (super_admin and country_manager). @module */
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { branches, regions, users } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { requireTenantManager } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { CreateRegionSchema, Region, UpdateRegionSchema } from "./regions.schemas.ts";
import { getRegion } from "./regions.selectors.ts";

const nameConflicts = {
  "regions.tenant_id, regions.name": new ApiError(
    409,
    "region_name_taken",
    "This agency already has a region with that name.",
  ),
};

/** Creates a region in the caller's tenant. */
export async function createRegion(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateRegionSchema>,
): Promise<Region> {
  requireTenantManager(scope, "create regions");
  const region: Region = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    name: input.name,
    description: input.description ?? "",
    ...creationStamps(scope, meta),
  };
  await runBatch(
    db,
    insertSteps(db, scope, meta, { table: regions, entityType: "region", row: region }),
    nameConflicts,
  );
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
  const update = updateSteps(db, scope, meta, {
    table: regions,
    entityType: "region",
    before,
    after: { ...before, ...input },
  });
  await runBatch(db, update.steps, nameConflicts);
  return update.row;
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
