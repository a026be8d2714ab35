/**
 * Writes of visa reference data: super_admin and country_manager only. Codes are
 * unique per tenant; a category with types, or a type with applications, stays.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { visa_applications, visa_categories, visa_types } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import { codeTaken, requireReferenceWriter } from "../../lib/reference-data.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type {
  CreateVisaCategorySchema,
  CreateVisaTypeSchema,
  UpdateVisaCategorySchema,
  UpdateVisaTypeSchema,
  VisaCategory,
  VisaType,
} from "./visa-reference.schemas.ts";
import { getVisaCategory, getVisaType } from "./visa-reference.selectors.ts";

const categoryConflicts = {
  "visa_categories.tenant_id, visa_categories.code": codeTaken("visa category"),
};
const typeConflicts = { "visa_types.tenant_id, visa_types.code": codeTaken("visa type") };

/** Creates a visa category. */
export async function createVisaCategory(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateVisaCategorySchema>,
): Promise<VisaCategory> {
  requireReferenceWriter(scope);
  const category: VisaCategory = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    name: input.name,
    code: input.code,
    description: input.description ?? "",
    ...creationStamps(scope, meta),
  };
  await runBatch(
    db,
    insertSteps(db, scope, meta, {
      table: visa_categories,
      entityType: "visa_category",
      row: category,
    }),
    categoryConflicts,
  );
  return category;
}

/** Changes a visa category. */
export async function updateVisaCategory(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateVisaCategorySchema>,
): Promise<VisaCategory> {
  const before = await getVisaCategory(db, scope, id);
  requireReferenceWriter(scope);
  const update = updateSteps(db, scope, meta, {
    table: visa_categories,
    entityType: "visa_category",
    before,
    after: { ...before, ...input },
  });
  await runBatch(db, update.steps, categoryConflicts);
  return update.row;
}

/** Deletes a category that has no visa types (409 otherwise). */
export async function deleteVisaCategory(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const before = await getVisaCategory(db, scope, id);
  requireReferenceWriter(scope);
  await runBatch(db, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${visa_types} WHERE ${visa_types.visa_category_id} = ${id})`,
      new ApiError(409, "visa_category_in_use", "Delete or move this category's visa types first."),
    ),
    ...hardDeleteSteps(db, scope, meta, {
      table: visa_categories,
      entityType: "visa_category",
      before: before,
    }),
  ]);
}

/** Creates a visa type in a category of the tenant. */
export async function createVisaType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateVisaTypeSchema>,
): Promise<VisaType> {
  requireReferenceWriter(scope);
  const category = await getVisaCategory(db, scope, input.visa_category_id);
  const type: VisaType = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    visa_category_id: category.id,
    name: input.name,
    code: input.code,
    description: input.description ?? "",
    checklist: input.checklist ?? [],
    ...creationStamps(scope, meta),
  };
  await runBatch(
    db,
    insertSteps(db, scope, meta, { table: visa_types, entityType: "visa_type", row: type }),
    typeConflicts,
  );
  return type;
}

/** Changes a visa type; a new category must be the tenant's. */
export async function updateVisaType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateVisaTypeSchema>,
): Promise<VisaType> {
  const before = await getVisaType(db, scope, id);
  requireReferenceWriter(scope);
  if (input.visa_category_id) await getVisaCategory(db, scope, input.visa_category_id);
  const update = updateSteps(db, scope, meta, {
    table: visa_types,
    entityType: "visa_type",
    before,
    after: { ...before, ...input },
  });
  await runBatch(db, update.steps, typeConflicts);
  return update.row;
}

/** Deletes a visa type that no application uses (409 otherwise). */
export async function deleteVisaType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const before = await getVisaType(db, scope, id);
  requireReferenceWriter(scope);
  await runBatch(db, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${visa_applications} WHERE ${visa_applications.visa_type_id} = ${id})`,
      new ApiError(409, "visa_type_in_use", "Visa applications use this type."),
    ),
    ...hardDeleteSteps(db, scope, meta, {
      table: visa_types,
      entityType: "visa_type",
      before: before,
    }),
  ]);
}
