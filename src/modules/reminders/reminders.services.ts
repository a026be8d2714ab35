/**
 * Reminder writes. Every role creates and edits reminders of clients in its scope;
 * branch_admin and above delete them (hard delete, audited). The assignee must
 * work in the client's branch; a new reminder goes to its writer when the writer
 * does. The client of a reminder never changes.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { type BatchStep, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { reminders } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import { getClient } from "../clients/clients.selectors.ts";
import { clientStillLive } from "../clients/clients.services.ts";
import { assigneeStillActive, coversBranch, requireAssignee } from "../users/users.placement.ts";
import type { CreateReminderSchema, Reminder, UpdateReminderSchema } from "./reminders.schemas.ts";
import { getReminder } from "./reminders.selectors.ts";

/** done_at after a write: set when it becomes done, cleared when it is undone. */
function doneAt(before: Reminder | null, done: boolean, now: string): string | null {
  if (before && before.done === done) return before.done_at;
  return done ? now : null;
}

/** Creates a reminder for a live client in scope. */
export async function createReminder(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateReminderSchema>,
): Promise<Reminder> {
  const client = await getClient(db, scope, input.client_id);
  let assignedTo = input.assigned_to ?? null;
  if (input.assigned_to !== null) {
    const branch = await getBranch(db, scope, client.branch_id);
    if (assignedTo) await requireAssignee(db, scope, assignedTo, branch);
    else {
      const { actor } = scope;
      const me = { role: actor.role, region_id: actor.regionId, branch_id: actor.branchId };
      assignedTo = coversBranch(me, branch) ? actor.userId : null;
    }
  }
  const now = meta.now.toISOString();
  const done = input.done ?? false;
  const reminder: Reminder = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    client_id: client.id,
    date: input.date,
    message: input.message,
    assigned_to: assignedTo,
    done,
    done_at: doneAt(null, done, now),
    ...creationStamps(scope, meta),
  };
  const steps: BatchStep[] = [clientStillLive(client.id)];
  if (assignedTo) steps.push(assigneeStillActive(assignedTo));
  steps.push(
    ...insertSteps(db, scope, meta, { table: reminders, entityType: "reminder", row: reminder }),
  );
  await runBatch(db, steps);
  return reminder;
}

/** Changes a reminder: date, message, assignee, done. */
export async function updateReminder(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateReminderSchema>,
): Promise<Reminder> {
  const before = await getReminder(db, scope, id);
  const assignedTo = input.assigned_to !== undefined ? input.assigned_to : before.assigned_to;
  const reassigns = assignedTo !== null && assignedTo !== before.assigned_to;
  if (reassigns) {
    const client = await getClient(db, scope, before.client_id);
    await requireAssignee(db, scope, assignedTo, await getBranch(db, scope, client.branch_id));
  }
  const update = updateSteps(db, scope, meta, {
    table: reminders,
    entityType: "reminder",
    before,
    after: {
      ...before,
      ...input,
      assigned_to: assignedTo,
      done_at: doneAt(before, input.done ?? before.done, meta.now.toISOString()),
    },
  });
  if (update.steps.length === 0) return before;

  // updateSteps guards the reminder itself: a racing delete makes this a 404.
  const steps: BatchStep[] = reassigns ? [assigneeStillActive(assignedTo)] : [];
  await runBatch(db, [...steps, ...update.steps]);
  return update.row;
}

/** Deletes a reminder for good (branch_admin and up), its row kept in the audit entry. */
export async function deleteReminder(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const before = await getReminder(db, scope, id);
  requireBranchAdminOrAbove(scope, "delete reminders");
  await runBatch(
    db,
    hardDeleteSteps(db, scope, meta, { table: reminders, entityType: "reminder", before }),
  );
}
