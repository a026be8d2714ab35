/**
 * Writes of application types and stages: super_admin and country_manager only.
 * Type codes are unique per tenant and stage names per type. A type with stages
 * or applications, and a stage an application is at, stay: those rules are
 * guards in the delete's batch, so a racing create cannot slip past them.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { type Guard, guard } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { application_stages, application_types, applications } from "../../db/schema/index.ts";
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
  ApplicationStage,
  ApplicationType,
  CreateApplicationStageSchema,
  CreateApplicationTypeSchema,
  UpdateApplicationStageSchema,
  UpdateApplicationTypeSchema,
} from "./application-reference.schemas.ts";
import {
  getApplicationStage,
  getApplicationType,
  lastStagePosition,
} from "./application-reference.selectors.ts";

const types = {
  table: application_types,
  entityType: "application_type",
  get: getApplicationType,
  conflicts: {
    "application_types.tenant_id, application_types.code": codeTaken("application type"),
  },
};
const stages = {
  table: application_stages,
  entityType: "application_stage",
  get: getApplicationStage,
  conflicts: {
    "application_stages.application_type_id, application_stages.name": new ApiError(
      409,
      "stage_name_taken",
      "This application type already has a stage with that name.",
    ),
  },
};

/** A write that points at a type: the type still exists when the batch lands (404 otherwise). */
export function typeStillExists(typeId: string): Guard {
  return guard(
    sql`EXISTS (SELECT 1 FROM ${application_types} WHERE ${application_types.id} = ${typeId})`,
    notFound("Application type"),
  );
}

/** A write that puts an application at a stage: the stage is still one of the type's. */
export function stageStillOfType(stageId: string, typeId: string): Guard {
  return guard(
    sql`EXISTS (SELECT 1 FROM ${application_stages} WHERE ${application_stages.id} = ${stageId} AND ${application_stages.application_type_id} = ${typeId})`,
    new ApiError(
      409,
      "conflict",
      "The stage was deleted while this request ran; reload and retry.",
    ),
  );
}

/** Creates an application type. */
export async function createApplicationType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateApplicationTypeSchema>,
): Promise<ApplicationType> {
  requireReferenceWriter(scope);
  return await insertReferenceRow(db, scope, meta, types, {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    name: input.name,
    code: input.code,
    description: input.description ?? "",
    ...creationStamps(scope, meta),
  });
}

/** Changes an application type's name, code or description. */
export function updateApplicationType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateApplicationTypeSchema>,
): Promise<ApplicationType> {
  return updateReferenceRow(db, scope, meta, types, id, input);
}

/** Deletes a type that no application uses and that has no stages (409 otherwise). */
export function deleteApplicationType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  return deleteReferenceRow(db, scope, meta, types, id, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${applications} WHERE ${applications.application_type_id} = ${id})`,
      new ApiError(409, "application_type_in_use", "Applications use this type."),
    ),
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${application_stages} WHERE ${application_stages.application_type_id} = ${id})`,
      new ApiError(409, "application_type_has_stages", "Delete this type's stages first."),
    ),
  ]);
}

/**
 * Creates a stage of a type of the tenant, at `position` or after the type's last
 * stage. Positions need not be unique: two stages racing to the end both land,
 * at the same position, and the list keeps them in creation order.
 */
export async function createApplicationStage(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateApplicationStageSchema>,
): Promise<ApplicationStage> {
  requireReferenceWriter(scope);
  const type = await getApplicationType(db, scope, input.application_type_id);
  const stage: ApplicationStage = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    application_type_id: type.id,
    name: input.name,
    position: input.position ?? (await lastStagePosition(db, scope, type.id)) + 1,
    description: input.description ?? "",
    ...creationStamps(scope, meta),
  };
  // The type's delete checks for stages in its own batch; this closes the other order.
  return await insertReferenceRow(db, scope, meta, stages, stage, [typeStillExists(type.id)]);
}

/** Renames, moves or describes a stage; it stays with its type. */
export function updateApplicationStage(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateApplicationStageSchema>,
): Promise<ApplicationStage> {
  return updateReferenceRow(db, scope, meta, stages, id, input);
}

/** Deletes a stage no application is at (409 otherwise). */
export function deleteApplicationStage(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  return deleteReferenceRow(db, scope, meta, stages, id, [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${applications} WHERE ${applications.stage_id} = ${id})`,
      new ApiError(
        409,
        "application_stage_in_use",
        "Applications are at this stage; move them to another stage first.",
      ),
    ),
  ]);
}
