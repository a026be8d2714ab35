/**
 * Task writes. Every role creates, edits and comments on the tasks it sees;
 * branch_admin and above delete them (hard delete, audited). A linked client and
 * an assignee are resolved inside the writer's scope, so naming one outside it is
 * the same 404 as an unknown id; with a client, the assignee must work in the
 * client's branch.
 *
 * Each write is one batch of guards, the write, its audit entry and the
 * notifications it causes (the new assignee on assignment, the creator on a
 * status change), delivered once the batch commits.
 * Comments are appended inside SQL and never written back by an edit, so
 * concurrent comments and edits cannot drop one another.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { auditStatement } from "../../audit/audit.ts";
import { type BatchStep, guard, rowExists, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { type TaskComment, tasks } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError, notFound } from "../../lib/errors.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { runBatchAndNotify } from "../../notifications/notify.ts";
import { taskNotifications } from "../../notifications/triggers.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import { getClient } from "../clients/clients.selectors.ts";
import { clientStillLive } from "../clients/clients.services.ts";
import { assigneeStillActive, requireAssignee } from "../users/users.placement.ts";
import type {
  CreateTaskCommentSchema,
  CreateTaskSchema,
  Task,
  UpdateTaskSchema,
} from "./tasks.schemas.ts";
import { getTask } from "./tasks.selectors.ts";

const taskExists = (id: string) => rowExists(tasks, id, notFound("Task"));

/**
 * Checks the client and assignee a write sets. The client is resolved in scope
 * (live, else 404); the assignee must be visible and active, and cover the
 * client's branch when there is a client.
 */
async function checkLinks(
  db: Database,
  scope: TenantScope,
  links: { clientId: string | null; assignedTo: string | null },
): Promise<void> {
  const client = links.clientId ? await getClient(db, scope, links.clientId) : null;
  if (!links.assignedTo) return;
  const branch = client ? await getBranch(db, scope, client.branch_id) : null;
  await requireAssignee(db, scope, links.assignedTo, branch);
}

/** completed_at after a status change: set on becoming done, cleared on leaving it. */
function completedAt(before: Task | null, status: Task["status"], now: string): string | null {
  if (before && before.status === status) return before.completed_at;
  return status === "done" ? now : null;
}

/** Creates a task; without a client it belongs to no branch (SPEC §2 rows with no branch). */
export async function createTask(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateTaskSchema>,
): Promise<Task> {
  const clientId = input.client_id ?? null;
  const assignedTo = input.assigned_to ?? null;
  await checkLinks(db, scope, { clientId, assignedTo });
  const now = meta.now.toISOString();
  const status = input.status ?? "todo";
  const task: Task = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    client_id: clientId,
    title: input.title,
    detail: input.detail ?? "",
    priority: input.priority ?? "medium",
    status,
    due_date: input.due_date ?? null,
    assigned_to: assignedTo,
    tags: input.tags ?? [],
    comments: [],
    completed_at: completedAt(null, status, now),
    ...creationStamps(scope, meta),
  };
  const steps: BatchStep[] = [];
  if (clientId) steps.push(clientStillLive(clientId));
  if (assignedTo) steps.push(assigneeStillActive(assignedTo));
  steps.push(...insertSteps(db, scope, meta, { table: tasks, entityType: "task", row: task }));
  await runBatchAndNotify(db, meta, steps, taskNotifications(scope.actor, null, task));
  return task;
}

/**
 * Changes a task the caller sees: fields, status, assignee, client link. The links
 * are checked only when they change (or the other one does, since an assignee must
 * cover the client's branch); a reassignment on a task whose client the writer
 * cannot see is the client's 404, as the writer cannot vouch for that branch.
 */
export async function updateTask(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateTaskSchema>,
): Promise<Task> {
  const before = await getTask(db, scope, id);
  const clientId = input.client_id !== undefined ? input.client_id : before.client_id;
  const assignedTo = input.assigned_to !== undefined ? input.assigned_to : before.assigned_to;
  const relinks = clientId !== before.client_id;
  const assignmentChanged = assignedTo !== before.assigned_to;
  // Unlinking or unassigning lifts a constraint: nothing to check. A new client must
  // be in scope; a new assignee, or a new client under the same one, must cover it.
  const checksClient = relinks && clientId !== null;
  const checksAssignee = assignedTo !== null && (assignmentChanged || checksClient);
  if (checksClient || checksAssignee) {
    await checkLinks(db, scope, {
      clientId,
      assignedTo: checksAssignee ? assignedTo : null,
    });
  }

  const now = meta.now.toISOString();
  const status = input.status ?? before.status;
  const statusChanged = status !== before.status;
  // Only the changed columns are written: the comments array in particular is owned
  // by addTaskComment's in-SQL append, and an edit of the title must not undo it.
  const update = updateSteps(db, scope, meta, {
    table: tasks,
    entityType: "task",
    before,
    after: {
      ...before,
      ...input,
      client_id: clientId,
      assigned_to: assignedTo,
      completed_at: completedAt(before, status, now),
    },
  });
  if (update.steps.length === 0) return before;

  const steps: BatchStep[] = [taskExists(id)];
  if (statusChanged) {
    // A racing status change would leave completed_at (and issue 4's "status changed"
    // notice) describing a move that never happened: the second writer reloads.
    steps.push(guard(
      sql`EXISTS (SELECT 1 FROM ${tasks} WHERE ${tasks.id} = ${id} AND ${tasks.status} = ${before.status})`,
      new ApiError(409, "conflict", "The task changed while this request ran; reload and retry."),
    ));
  }
  if (relinks && clientId) steps.push(clientStillLive(clientId));
  if (checksAssignee && assignedTo) steps.push(assigneeStillActive(assignedTo));
  steps.push(...update.steps);
  await runBatchAndNotify(db, meta, steps, taskNotifications(scope.actor, before, update.row));
  return update.row;
}

/**
 * Appends a comment by the caller. The append is one `json_insert` on the stored
 * array, so comments sent at the same moment all land; the audit entry (action
 * `comment`) holds the new comment alone, not the whole thread again.
 */
export async function addTaskComment(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof CreateTaskCommentSchema>,
): Promise<Task> {
  await getTask(db, scope, id);
  const now = meta.now.toISOString();
  const comment: TaskComment = { author_id: scope.actor.userId, body: input.body, at: now };
  await runBatch(db, [
    taskExists(id),
    db.update(tasks).set({
      comments:
        sql`json_insert(${tasks.comments}, '$[#]', json_object('author_id', ${comment.author_id}, 'body', ${comment.body}, 'at', ${comment.at}))`,
      updated_at: now,
      updated_by: scope.actor.userId,
    }).where(eq(tasks.id, id)),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "comment",
      entityType: "task",
      entityId: id,
      after: comment,
    }),
  ]);
  return await getTask(db, scope, id);
}

/** Deletes a task for good (branch_admin and up), its whole row kept in the audit entry. */
export async function deleteTask(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const before = await getTask(db, scope, id);
  requireBranchAdminOrAbove(scope, "delete tasks");
  await runBatch(
    db,
    hardDeleteSteps(db, scope, meta, { table: tasks, entityType: "task", before }),
  );
}
