/**
 * Checklist item writes. A new visa application's checklist is started from its
 * visa type in the application's own batch; staff add items by hand (to a visa
 * application or a study application), move them
 * through the status machine (409 otherwise) and soft-delete them (branch_admin
 * and up). Each change is audited, and a status move is guarded on the status it
 * was read in, so two racing moves cannot both land.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { type BatchStep, guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import {
  applications,
  checklist_items,
  type ChecklistItem as ChecklistEntry,
  document_files,
  visa_applications,
} from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError, invalidField, notFound } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { softDeleteSteps } from "../../lib/soft-delete.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { runBatchAndNotify } from "../../notifications/notify.ts";
import { checklistCompleteNotifications } from "../../notifications/triggers.ts";
import { getClient } from "../clients/clients.selectors.ts";
import type { DocumentCounts } from "./checklist-items.counts.ts";
import type {
  ChecklistItem,
  CreateChecklistItemSchema,
  UpdateChecklistItemSchema,
} from "./checklist-items.schemas.ts";
import {
  caseColumn,
  type CaseRef,
  getCase,
  getChecklistItem,
  nextPosition,
} from "./checklist-items.selectors.ts";
import { nextChecklistStatuses } from "./checklist-items.status.ts";

const ENTITY = "checklist_item";

/** A requested item of an application's checklist, stamped as created now. */
function newItem(
  scope: TenantScope,
  meta: RequestMeta,
  owner: CaseRef & { client_id: string },
  fields: {
    name: string;
    required: boolean;
    position: number;
    description?: string;
    due_date?: string | null;
  },
): ChecklistItem {
  return {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    client_id: owner.client_id,
    visa_application_id: owner.kind === "visa_application" ? owner.id : null,
    application_id: owner.kind === "application" ? owner.id : null,
    name: fields.name,
    description: fields.description ?? "",
    required: fields.required,
    status: "requested",
    rejection_reason: null,
    due_date: fields.due_date ?? null,
    position: fields.position,
    status_changed_at: null,
    status_changed_by: null,
    deleted_at: null,
    deleted_by: null,
    ...creationStamps(scope, meta),
  };
}

/**
 * The items a new application starts with, one per entry of its visa type's
 * checklist, in order, and their inserts for the application's batch (the
 * application's own `create` audit entry covers them).
 */
export function checklistFromVisaType(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  application: { id: string; client_id: string },
  checklist: readonly ChecklistEntry[],
): { items: ChecklistItem[]; steps: BatchStep[] } {
  const items = checklist.map((entry, position) =>
    newItem(scope, meta, { kind: "visa_application", ...application }, {
      name: entry.item,
      required: entry.required,
      position,
    })
  );
  return { items, steps: items.length ? [db.insert(checklist_items).values(items)] : [] };
}

/** The case is still there (a draft may be deleted meanwhile). */
function caseStillThere(ref: CaseRef): BatchStep {
  const table = ref.kind === "visa_application" ? visa_applications : applications;
  return guard(
    sql`EXISTS (SELECT 1 FROM ${table} WHERE ${table.id} = ${ref.id})`,
    notFound(ref.kind === "visa_application" ? "Visa application" : "Application"),
  );
}

/** Adds an item by hand at the end of the application's checklist. */
export async function createChecklistItem(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  ref: CaseRef,
  input: z.infer<typeof CreateChecklistItemSchema>,
): Promise<ChecklistItem> {
  const owner = await getCase(db, scope, ref);
  const item = newItem(scope, meta, owner, {
    name: input.name,
    description: input.description,
    required: input.required ?? true,
    due_date: input.due_date,
    position: await nextPosition(db, ref),
  });
  await runBatch(db, [
    caseStillThere(ref),
    ...insertSteps(db, scope, meta, { table: checklist_items, entityType: ENTITY, row: item }),
  ]);
  return item;
}

/** Edits an item or moves its status. */
export async function updateChecklistItem(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  ref: CaseRef,
  itemId: string,
  input: z.infer<typeof UpdateChecklistItemSchema>,
): Promise<ChecklistItem> {
  const owner = await getCase(db, scope, ref);
  const before = await getChecklistItem(db, scope, ref, itemId);
  const status = input.status ?? before.status;
  const moves = status !== before.status;
  if (moves && !nextChecklistStatuses(before.status).includes(status)) {
    throw new ApiError(
      409,
      "invalid_transition",
      `A ${before.status} item cannot become ${status}.`,
      { allowed: nextChecklistStatuses(before.status) },
    );
  }
  if (input.rejection_reason !== undefined && status !== "rejected") {
    throw invalidField("rejection_reason", "Only a rejected item has a rejection_reason.");
  }
  const reason = status === "rejected" ? input.rejection_reason ?? before.rejection_reason : null;
  if (status === "rejected" && (moves ? !input.rejection_reason : !reason)) {
    throw invalidField("rejection_reason", "Say why the document is rejected.");
  }
  const { status: _status, rejection_reason: _reason, ...fields } = input;
  const after: ChecklistItem = { ...before, ...fields, status, rejection_reason: reason };
  if (moves) {
    after.status_changed_at = meta.now.toISOString();
    after.status_changed_by = scope.actor.userId;
  }
  const update = updateSteps(db, scope, meta, {
    table: checklist_items,
    entityType: ENTITY,
    before,
    after,
  });
  if (update.steps.length === 0) return before;
  const notices = checklistCompleteNotifications(
    scope.actor,
    {
      before: isComplete(owner.documents),
      after: isComplete(countsAfter(owner.documents, before, update.row)),
    },
    owner,
    await clientNameOf(db, scope, owner.client_id),
  );
  await runBatchAndNotify(db, meta, [
    guard(
      sql`EXISTS (SELECT 1 FROM ${checklist_items} WHERE ${
        and(eq(checklist_items.id, itemId), eq(checklist_items.status, before.status))
      })`,
      new ApiError(409, "conflict", "The item changed while this request ran; reload and retry."),
    ),
    ...update.steps,
  ], notices);
  return update.row;
}

const isComplete = (c: DocumentCounts) => c.required > 0 && c.verified === c.required;

/** What one item's change does to its application's counts. */
function countsAfter(
  counts: DocumentCounts,
  before: ChecklistItem,
  after: ChecklistItem,
): DocumentCounts {
  const weigh = (item: ChecklistItem, sign: number) => {
    if (!item.required || item.status === "waived") {
      return { required: 0, received: 0, verified: 0 };
    }
    return {
      required: sign,
      received: item.status === "received" || item.status === "verified" ? sign : 0,
      verified: item.status === "verified" ? sign : 0,
    };
  };
  const out = weigh(before, -1);
  const add = weigh(after, 1);
  return {
    required: counts.required + out.required + add.required,
    received: counts.received + out.received + add.received,
    verified: counts.verified + out.verified + add.verified,
  };
}

async function clientNameOf(db: Database, scope: TenantScope, clientId: string): Promise<string> {
  const client = await getClient(db, scope, clientId);
  return `${client.first_name} ${client.last_name}`;
}

/** Soft-deletes an item (branch_admin and up): it leaves the checklist and its counts. */
export async function deleteChecklistItem(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  ref: CaseRef,
  itemId: string,
): Promise<void> {
  await getCase(db, scope, ref);
  const before = await getChecklistItem(db, scope, ref, itemId);
  requireBranchAdminOrAbove(scope, "delete checklist items");
  const { steps } = softDeleteSteps(db, scope, meta, {
    table: checklist_items,
    entityType: ENTITY,
    before,
  }, true);
  await runBatch(db, steps);
}

/**
 * The steps that remove a deleted case's checklist for good, before the case
 * itself: refused (409) while any of its items holds a file, which is evidence
 * to keep (withdraw the case instead).
 */
export function deleteChecklistOf(db: Database, ref: CaseRef): BatchStep[] {
  const items = db.select({ id: checklist_items.id }).from(checklist_items)
    .where(eq(caseColumn(ref.kind), ref.id));
  return [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${document_files} WHERE ${document_files.checklist_item_id} IN ${items})`,
      new ApiError(409, "has_documents", "Its checklist holds files; withdraw it instead."),
    ),
    db.delete(checklist_items).where(eq(caseColumn(ref.kind), ref.id)),
  ];
}
