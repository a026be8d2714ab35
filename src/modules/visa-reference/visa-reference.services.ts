/**
 * Writes of visa reference data: super_admin and country_manager only. Codes are
 * unique per tenant; a category with types, or a type with applications, stays.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { guard, rowExists } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { visa_applications, visa_categories, visa_types } from "../../db/schema/index.ts";
import { creationStamps } from "../../lib/audited-writes.ts";
import { ApiError, notFound } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import {
  codeTaken,
  deleteReferenceRow,
  insertReferenceRow,
  requireReferenceWriter,
  updateReferenceRow,
} from "../../lib/reference-data.ts";
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

const categories = {
  table: visa_categories,
  entityType: "visa_category",
  get: getVisaCategory,
  conflicts: { "visa_categories.tenant_id, visa_categories.code": codeTaken("visa category") },
};
const types = {
  table: visa_types,
  entityType: "visa_type",
  get: getVisaType,
  conflicts: { "visa_types.tenant_id, visa_types.code": codeTaken("visa type") },
};

/** Creates a visa category. */
export async function createVisaCategory(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateVisaCategorySchema>,
): Promise<VisaCategory> {
  requireReferenceWriter(scope);
  return await insertReferenceRow(db, scope, meta, categories, {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    name: input.name,
    code: input.code,
    description: input.description ?? "",
    ...creationStamps(scope, meta),
  });
}

/** Changes a visa category. */
export function updateVisaCategory(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateVisaCategorySchema>,
): Promise<VisaCategory> {
  return updateReferenceRow(db, scope, meta, categories, id, input);
}

/** Deletes a category that has no visa types (409 otherwise). */
export function deleteVisaCategory(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  return deleteReferenceRow(db, scope, meta, categories, id, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${visa_types} WHERE ${visa_types.visa_category_id} = ${id})`,
      new ApiError(409, "visa_category_in_use", "Delete or move this category's visa types first."),
    ),
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
  return await insertReferenceRow(db, scope, meta, types, {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    visa_category_id: category.id,
    name: input.name,
    code: input.code,
    description: input.description ?? "",
    checklist: input.checklist ?? [],
    ...creationStamps(scope, meta),
  }, [rowExists(visa_categories, category.id, notFound("Visa category"))]);
}

/** Changes a visa type; a new category must be the tenant's. */
export function updateVisaType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateVisaTypeSchema>,
): Promise<VisaType> {
  const category = input.visa_category_id;
  return updateReferenceRow(db, scope, meta, types, id, input, async () => {
    if (category) await getVisaCategory(db, scope, category);
  });
}

/** Deletes a visa type that no application uses (409 otherwise). */
export function deleteVisaType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  return deleteReferenceRow(db, scope, meta, types, id, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${visa_applications} WHERE ${visa_applications.visa_type_id} = ${id})`,
      new ApiError(409, "visa_type_in_use", "Visa applications use this type."),
    ),
  ]);
}
