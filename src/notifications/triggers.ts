/**
 * Who is told what when work changes hands or moves on (SPEC §5 triggers). Each
 * function turns one change into the notifications it causes; services add them to
 * the change's own batch. Nobody is notified of their own action.
 * @module
 */
import type { NotificationDraft } from "./notify.ts";

type Actor = { userId: string };
type TaskLike = {
  id: string;
  tenant_id: string;
  title: string;
  status: string;
  due_date: string | null;
  assigned_to: string | null;
  client_id: string | null;
  created_by: string | null;
};

const toOthers = (actor: Actor, drafts: (NotificationDraft | null)[]) =>
  drafts.filter((d): d is NotificationDraft => d !== null && d.recipientId !== actor.userId);

const words = (status: string) => status.replaceAll("_", " ");

/** A task given to someone new: the assignee is told. A status move: the creator is told. */
export function taskNotifications(
  actor: Actor,
  before: TaskLike | null,
  after: TaskLike,
): NotificationDraft[] {
  const meta = { task_id: after.id, client_id: after.client_id };
  const assigned = after.assigned_to && after.assigned_to !== before?.assigned_to
    ? {
      tenantId: after.tenant_id,
      recipientId: after.assigned_to,
      type: "task_assigned" as const,
      title: `New task: ${after.title}`,
      body: after.due_date ? `Due ${after.due_date}.` : "",
      meta: { ...meta, status: after.status, due_date: after.due_date },
      createdBy: actor.userId,
    }
    : null;
  const moved = before && before.status !== after.status && after.created_by
    ? {
      tenantId: after.tenant_id,
      recipientId: after.created_by,
      type: "task_updated" as const,
      title: `Task ${words(after.status)}: ${after.title}`,
      meta: { ...meta, status: after.status, previous_status: before.status },
      createdBy: actor.userId,
    }
    : null;
  return toOthers(actor, [assigned, moved]);
}

/** A visa application's status move: its assignee is told. */
export function visaApplicationNotifications(
  actor: Actor,
  before: { status: string },
  after: {
    id: string;
    tenant_id: string;
    client_id: string;
    status: string;
    assigned_to: string | null;
  },
  clientName: string,
): NotificationDraft[] {
  if (before.status === after.status || !after.assigned_to) return [];
  return toOthers(actor, [{
    tenantId: after.tenant_id,
    recipientId: after.assigned_to,
    type: "application_updated",
    title: `Visa application ${words(after.status)}: ${clientName}`,
    meta: {
      visa_application_id: after.id,
      client_id: after.client_id,
      status: after.status,
      previous_status: before.status,
    },
    createdBy: actor.userId,
  }]);
}

/**
 * A checklist move that leaves every required document verified (none left to
 * collect or check): the application's assignee is told it is ready to lodge.
 */
export function checklistCompleteNotifications(
  actor: Actor,
  complete: { before: boolean; after: boolean },
  application: {
    kind: "visa_application" | "application";
    id: string;
    tenant_id: string;
    client_id: string;
    assigned_to: string | null;
  },
  clientName: string,
): NotificationDraft[] {
  if (complete.before || !complete.after || !application.assigned_to) return [];
  return toOthers(actor, [{
    tenantId: application.tenant_id,
    recipientId: application.assigned_to,
    type: "application_ready",
    title: `Ready to lodge: every document for ${clientName} is verified`,
    meta: { [`${application.kind}_id`]: application.id, client_id: application.client_id },
    createdBy: actor.userId,
  }]);
}

/** An application's stage or status move: its assignee is told. */
export function applicationNotifications(
  actor: Actor,
  before: { stage_id: string | null; status: string },
  after: {
    id: string;
    tenant_id: string;
    client_id: string;
    stage_id: string | null;
    status: string;
    assigned_to: string | null;
    institution: string;
  },
  stageName: string | null,
): NotificationDraft[] {
  const stageMoved = before.stage_id !== after.stage_id;
  const statusMoved = before.status !== after.status;
  if ((!stageMoved && !statusMoved) || !after.assigned_to) return [];
  const what = stageMoved && stageName ? `moved to ${stageName}` : words(after.status);
  return toOthers(actor, [{
    tenantId: after.tenant_id,
    recipientId: after.assigned_to,
    type: "application_updated",
    title: `Application ${what}${after.institution ? `: ${after.institution}` : ""}`,
    meta: {
      application_id: after.id,
      client_id: after.client_id,
      stage_id: after.stage_id,
      previous_stage_id: before.stage_id,
      status: after.status,
      previous_status: before.status,
    },
    createdBy: actor.userId,
  }]);
}
