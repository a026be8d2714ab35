/**
 * Visa application writes. Every role creates and edits applications of clients
 * in its scope; status moves follow the machine in visa-applications.status.ts,
 * and a grant updates the client in the same batch. A status change is guarded
 * on the status it was read in, so two racing moves cannot both land.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { auditStatement, changedFields } from "../../audit/audit.ts";
import { type BatchStep, guard, rowExists, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { clients, visa_applications, visa_types } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError, invalidField, notFound } from "../../lib/errors.ts";
import { todayIn } from "../../lib/fields.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { runBatchAndNotify } from "../../notifications/notify.ts";
import { visaApplicationNotifications } from "../../notifications/triggers.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import { getClient } from "../clients/clients.selectors.ts";
import { clientStillLive } from "../clients/clients.services.ts";
import { getTenant } from "../tenants/tenants.selectors.ts";
import { assigneeStillActive, requireAssignee } from "../users/users.placement.ts";
import { getVisaType } from "../visa-reference/visa-reference.selectors.ts";
import type {
  CreateVisaApplicationSchema,
  UpdateVisaApplicationSchema,
  VisaApplication,
  VisaApplicationRow,
} from "./visa-applications.schemas.ts";
import {
  checklistFromVisaType,
  deleteChecklistOf,
} from "../checklist-items/checklist-items.services.ts";
import { getVisaApplication } from "./visa-applications.selectors.ts";
import { canMove, nextStatuses } from "./visa-applications.status.ts";

/** Creates a draft application for a client in scope. */
export async function createVisaApplication(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateVisaApplicationSchema>,
): Promise<VisaApplication> {
  const client = await getClient(db, scope, input.client_id);
  const type = await getVisaType(db, scope, input.visa_type_id);
  if (input.assigned_to) {
    await requireAssignee(
      db,
      scope,
      input.assigned_to,
      await getBranch(db, scope, client.branch_id),
    );
  }
  const currency = input.fee_currency ??
    (await getTenant(db, scope, scope.tenantId)).settings.default_currency;
  const application: VisaApplicationRow = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    client_id: client.id,
    visa_type_id: type.id,
    status: "draft",
    lodged_date: input.lodged_date ?? null,
    decision_date: input.decision_date ?? null,
    expiry_date: input.expiry_date ?? null,
    fee_amount: input.fee_amount ?? 0,
    fee_currency: currency,
    fee_paid_amount: input.fee_paid_amount ?? 0,
    government_reference: input.government_reference ?? null,
    grant_number: input.grant_number ?? null,
    conditions: input.conditions ?? "",
    rfi_due_date: input.rfi_due_date ?? null,
    assigned_to: input.assigned_to ?? null,
    notes: input.notes ?? "",
    ...creationStamps(scope, meta),
  };
  const checklist = checklistFromVisaType(db, scope, meta, application, type.checklist);
  await runBatch(db, [
    clientStillLive(client.id),
    rowExists(visa_types, type.id, notFound("Visa type")),
    ...(application.assigned_to ? [assigneeStillActive(application.assigned_to)] : []),
    ...insertSteps(db, scope, meta, {
      table: visa_applications,
      entityType: "visa_application",
      row: application,
    }),
    ...checklist.steps,
  ]);
  const required = checklist.items.filter((item) => item.required).length;
  return { ...application, documents: { required, received: 0, verified: 0 } };
}

/**
 * Changes an application. Moving to lodged or to a decision fills that date with
 * the tenant's today when none is given; granting sets the client's current_visa
 * (the visa type's name) and visa_expiry_date (the application's expiry_date).
 */
export async function updateVisaApplication(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateVisaApplicationSchema>,
): Promise<VisaApplication> {
  const before = await getVisaApplication(db, scope, id);
  const client = await getClient(db, scope, before.client_id);
  const status = input.status ?? before.status;
  const moves = status !== before.status;
  if (moves && !canMove(before.status, status)) {
    throw new ApiError(
      409,
      "invalid_transition",
      `A ${before.status} application cannot become ${status}.`,
      {
        allowed: nextStatuses(before.status),
      },
    );
  }
  const type = await getVisaType(db, scope, input.visa_type_id ?? before.visa_type_id);
  if (input.assigned_to) {
    await requireAssignee(
      db,
      scope,
      input.assigned_to,
      await getBranch(db, scope, client.branch_id),
    );
  }

  const after: VisaApplication = { ...before, ...input };
  if (moves && status === "granted" && !after.expiry_date) {
    // The grant copies the expiry onto the client; without one it would erase theirs.
    throw invalidField("expiry_date", "A granted application needs the visa's expiry_date.");
  }
  if (moves && (status === "lodged" || status === "granted" || status === "refused")) {
    const today = todayIn((await getTenant(db, scope, scope.tenantId)).settings.timezone, meta.now);
    if (status === "lodged") after.lodged_date ??= today;
    else after.decision_date ??= today;
  }
  const update = updateSteps(db, scope, meta, {
    table: visa_applications,
    entityType: "visa_application",
    before,
    after,
  });
  if (update.steps.length === 0) return before;

  const steps: BatchStep[] = [
    guard(
      sql`EXISTS (SELECT 1 FROM ${visa_applications} WHERE ${visa_applications.id} = ${id} AND ${visa_applications.status} = ${before.status})`,
      new ApiError(
        409,
        "conflict",
        "The application changed while this request ran; reload and retry.",
      ),
    ),
    clientStillLive(client.id),
    ...update.steps,
  ];
  if (after.visa_type_id !== before.visa_type_id) {
    steps.push(rowExists(visa_types, after.visa_type_id, notFound("Visa type")));
  }
  if (after.assigned_to && after.assigned_to !== before.assigned_to) {
    steps.push(assigneeStillActive(after.assigned_to));
  }
  if (moves && status === "granted") {
    const visa = { current_visa: type.name, visa_expiry_date: after.expiry_date };
    const stamps = { updated_at: update.row.updated_at, updated_by: scope.actor.userId };
    const clientAfter = { ...client, ...visa, ...stamps };
    steps.push(
      db.update(clients).set({ ...visa, ...stamps })
        .where(eq(clients.id, client.id)),
      auditStatement(db, scope.actor, meta, {
        tenantId: scope.tenantId,
        action: "update",
        entityType: "client",
        entityId: client.id,
        ...changedFields(client, clientAfter),
      }),
    );
  }
  const notices = visaApplicationNotifications(
    scope.actor,
    before,
    update.row,
    `${client.first_name} ${client.last_name}`,
  );
  await runBatchAndNotify(db, meta, steps, notices);
  return update.row;
}

/** Deletes a draft application (branch_admin and up); later ones are withdrawn instead. */
export async function deleteVisaApplication(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const { documents: _counts, ...before } = await getVisaApplication(db, scope, id);
  requireBranchAdminOrAbove(scope, "delete visa applications");
  const onlyDrafts = new ApiError(
    409,
    "not_draft",
    "Only draft applications can be deleted; withdraw this one instead.",
  );
  if (before.status !== "draft") throw onlyDrafts;
  await runBatch(db, [
    guard(
      sql`EXISTS (SELECT 1 FROM ${visa_applications} WHERE ${visa_applications.id} = ${id} AND ${visa_applications.status} = 'draft')`,
      onlyDrafts,
    ),
    ...deleteChecklistOf(db, { kind: "visa_application", id }),
    ...hardDeleteSteps(db, scope, meta, {
      table: visa_applications,
      entityType: "visa_application",
      before: before,
    }),
  ]);
}
