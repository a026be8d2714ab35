/**
 * How a write notifies someone: the services put `notificationSteps` into their
 * own batch, so a notification exists exactly when the change that caused it
 * does, then call `deliverNotifications` once the batch has committed.
 * @module
 */
import { inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type BatchStep, runBatch, type UniqueConflicts } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import type { RequestMeta } from "../lib/request-meta.ts";
import { notifications, type NotificationType } from "../db/schema/index.ts";
import { uuidv7 } from "../lib/ids.ts";
import type { NotificationHub } from "./hub.ts";
import { toNotification } from "./notification.ts";

export type NotificationDraft = {
  tenantId: string;
  recipientId: string;
  type: NotificationType;
  title: string;
  body?: string;
  meta?: Record<string, unknown>;
  /** Names the event, for notifications that must never repeat (scheduled ones). */
  dedupeKey?: string;
  createdBy: string | null;
};

/**
 * A draft's notification row without its id and `seq`: the request path computes
 * `seq` in SQL (below); the seed numbers its rows itself.
 */
export function notificationFields(draft: NotificationDraft, at: string) {
  return {
    tenant_id: draft.tenantId,
    recipient_id: draft.recipientId,
    type: draft.type,
    title: draft.title,
    body: draft.body ?? "",
    meta: draft.meta ?? {},
    dedupe_key: draft.dedupeKey ?? null,
    created_by: draft.createdBy,
    created_at: at,
  };
}

/**
 * Insert statements for the drafts, plus the ids they will have. `seq` is the
 * recipient's next number, computed inside the batch (serialised with every other
 * write), so it is gap-free and unique per user: the SSE stream resumes on it. A
 * draft whose dedupe key the recipient already has is skipped.
 */
export function notificationSteps(
  db: Database,
  drafts: NotificationDraft[],
  now: Date,
): { steps: BatchItem<"sqlite">[]; ids: string[] } {
  const at = now.toISOString();
  const ids: string[] = [];
  const steps = drafts.map((draft) => {
    const id = uuidv7(now.getTime());
    ids.push(id);
    return db.insert(notifications).values({
      ...notificationFields(draft, at),
      id,
      seq:
        sql`(SELECT coalesce(max(${notifications.seq}), 0) + 1 FROM ${notifications} WHERE ${notifications.recipient_id} = ${draft.recipientId})`,
    }).onConflictDoNothing({ target: [notifications.dedupe_key, notifications.recipient_id] });
  });
  return { steps, ids };
}

/**
 * Publishes committed notifications to their recipients' streams. It never throws:
 * the write has already succeeded, and a stream that misses the event gets it from
 * the database on its next reconnect (Last-Event-ID replay) or gap check.
 */
export async function deliverNotifications(
  db: Database,
  hub: NotificationHub,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  try {
    await publishRows(
      hub,
      await db.select().from(notifications).where(inArray(notifications.id, ids)),
    );
  } catch { /* delivery is best effort; the database is the record */ }
}

/** Publishes stored notifications to their recipients; a failed publish is dropped. */
export async function publishRows(
  hub: NotificationHub,
  rows: (typeof notifications.$inferSelect)[],
): Promise<void> {
  await Promise.all(
    rows.map((row) =>
      hub.publish(
        { tenantId: row.tenant_id, userId: row.recipient_id },
        { seq: row.seq, data: toNotification(row) },
      ).catch(() => {})
    ),
  );
}

/** runBatch with the notifications the change causes in the same batch, delivered after commit. */
export async function runBatchAndNotify(
  db: Database,
  meta: RequestMeta,
  steps: BatchStep[],
  drafts: NotificationDraft[],
  conflicts?: UniqueConflicts,
): Promise<void> {
  const notices = notificationSteps(db, drafts, meta.now);
  await runBatch(db, [...steps, ...notices.steps], conflicts);
  await deliverNotifications(db, meta.hub, notices.ids);
}
