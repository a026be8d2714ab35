/**
 * Application writes. Every role creates and edits applications of clients in its
 * scope; branch_admin and up delete them. An application sits at a stage of its
 * own type: the first one unless another is named. A move of stage, type or
 * status is guarded on the state it was read in, so two racing moves cannot
 * both land.
 * @module
 */
import { NO_DOCUMENTS } from "../checklist-items/checklist-items.counts.ts";
import { deleteChecklistOf } from "../checklist-items/checklist-items.services.ts";
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { type BatchStep, guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { applications } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError, invalidField } from "../../lib/errors.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { runBatchAndNotify } from "../../notifications/notify.ts";
import { applicationNotifications } from "../../notifications/triggers.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import {
  firstStageOf,
  getApplicationStage,
  getApplicationType,
} from "../application-reference/application-reference.selectors.ts";
import {
  stageStillOfType,
  typeStillExists,
} from "../application-reference/application-reference.services.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import type { Client } from "../clients/clients.schemas.ts";
import { getClient } from "../clients/clients.selectors.ts";
import { clientStillLive } from "../clients/clients.services.ts";
import { assigneeStillActive, requireAssignee } from "../users/users.placement.ts";
import type {
  Application,
  ApplicationRow,
  CreateApplicationSchema,
  UpdateApplicationSchema,
} from "./applications.schemas.ts";
import type { ApplicationStage } from "../application-reference/application-reference.schemas.ts";
import { getApplication } from "./applications.selectors.ts";

/**
 * The stage an application of `typeId` is put at: the named one, which must be a
 * stage of that type (422 otherwise), or the type's first (null when it has none).
 */
async function resolveStage(
  db: Database,
  scope: TenantScope,
  typeId: string,
  stageId: string | undefined,
): Promise<ApplicationStage | null> {
  if (stageId === undefined) return await firstStageOf(db, scope, typeId);
  const stage = await getApplicationStage(db, scope, stageId);
  if (stage.application_type_id !== typeId) {
    throw invalidField("stage_id", "The stage belongs to another application type.");
  }
  return stage;
}

/** 404/422 unless the assignee is in scope, active and works in the client's branch. */
async function checkAssignee(db: Database, scope: TenantScope, userId: string, client: Client) {
  await requireAssignee(db, scope, userId, await getBranch(db, scope, client.branch_id));
}

/**
 * Guards for what a write points the application at, re-checked when the batch
 * lands: only the references it sets, so an edit of the notes does not fail
 * because the assignee was deactivated meanwhile.
 */
function referenceGuards(
  before: ApplicationRow | null,
  after: ApplicationRow,
): BatchStep[] {
  const steps: BatchStep[] = [clientStillLive(after.client_id)];
  const sets = <K extends keyof ApplicationRow>(key: K) => !before || before[key] !== after[key];
  if (sets("application_type_id")) steps.push(typeStillExists(after.application_type_id));
  if (after.stage_id && (sets("stage_id") || sets("application_type_id"))) {
    steps.push(stageStillOfType(after.stage_id, after.application_type_id));
  }
  if (after.assigned_to && sets("assigned_to")) steps.push(assigneeStillActive(after.assigned_to));
  return steps;
}

/**
 * The steps a move of stage (or type) or status adds to the batch: a guard on the
 * state the move was read in (a racing move makes this one a 409), so the
 * assignee's notification describes a move that really happened.
 */
function progressSteps(before: Application, after: Application): BatchStep[] {
  const moved = before.stage_id !== after.stage_id || before.status !== after.status ||
    before.application_type_id !== after.application_type_id;
  if (!moved) return [];
  return [
    guard(
      sql`EXISTS (SELECT 1 FROM ${applications} WHERE ${applications.id} = ${before.id}
        AND ${applications.application_type_id} = ${before.application_type_id}
        AND ${applications.stage_id} IS ${before.stage_id}
        AND ${applications.status} = ${before.status})`,
      new ApiError(
        409,
        "conflict",
        "The application moved while this request ran; reload and retry.",
      ),
    ),
  ];
}

/** Creates an application for a client in scope, at the type's first stage unless told otherwise. */
export async function createApplication(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateApplicationSchema>,
): Promise<Application> {
  const client = await getClient(db, scope, input.client_id);
  const type = await getApplicationType(db, scope, input.application_type_id);
  const stageId = (await resolveStage(db, scope, type.id, input.stage_id))?.id ?? null;
  if (input.assigned_to) await checkAssignee(db, scope, input.assigned_to, client);
  const application: ApplicationRow = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    client_id: client.id,
    application_type_id: type.id,
    stage_id: stageId,
    institution: input.institution ?? "",
    course: input.course ?? "",
    intake: input.intake ?? null,
    assigned_to: input.assigned_to ?? null,
    status: input.status ?? "active",
    notes: input.notes ?? "",
    ...creationStamps(scope, meta),
  };
  await runBatch(db, [
    ...referenceGuards(null, application),
    ...insertSteps(db, scope, meta, {
      table: applications,
      entityType: "application",
      row: application,
    }),
  ]);
  return { ...application, documents: NO_DOCUMENTS };
}

/**
 * Changes an application. A stage must be one of the application's type, the new
 * type's when the same PATCH changes it; a new type without a named stage puts the
 * application at that type's first stage.
 */
export async function updateApplication(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateApplicationSchema>,
): Promise<Application> {
  const before = await getApplication(db, scope, id);
  const typeId = input.application_type_id ?? before.application_type_id;
  const typeChanges = typeId !== before.application_type_id;
  if (typeChanges) await getApplicationType(db, scope, typeId);
  const stage = input.stage_id !== undefined || typeChanges
    ? await resolveStage(db, scope, typeId, input.stage_id)
    : undefined;
  const stageId = stage === undefined ? before.stage_id : stage?.id ?? null;
  if (input.assigned_to && input.assigned_to !== before.assigned_to) {
    await checkAssignee(db, scope, input.assigned_to, await getClient(db, scope, before.client_id));
  }
  const after: Application = {
    ...before,
    ...input,
    application_type_id: typeId,
    stage_id: stageId,
  };
  const update = updateSteps(db, scope, meta, {
    table: applications,
    entityType: "application",
    before,
    after,
  });
  if (update.steps.length === 0) return before;
  const stageName = stageId !== before.stage_id ? stage?.name ?? null : null;
  await runBatchAndNotify(
    db,
    meta,
    [...referenceGuards(before, after), ...progressSteps(before, after), ...update.steps],
    applicationNotifications(scope.actor, before, update.row, stageName),
  );
  return update.row;
}

/** Deletes an application for good (branch_admin and up), with its audit entry. */
export async function deleteApplication(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const { documents: _counts, ...before } = await getApplication(db, scope, id);
  requireBranchAdminOrAbove(scope, "delete applications");
  await runBatch(db, [
    ...deleteChecklistOf(db, { kind: "application", id }),
    ...hardDeleteSteps(db, scope, meta, { table: applications, entityType: "application", before }),
  ]);
}
