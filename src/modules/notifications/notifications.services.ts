/**
 * Changes to the caller's own inbox. These are personal reading state, not agency
 * records, so they are not written to the audit log (it would record every click).
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { notifications } from "../../db/schema/index.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import type { Notification } from "../../notifications/notification.ts";
import type { Scope } from "../../scope/scope.ts";
import type { UpdateNotificationSchema } from "./notifications.schemas.ts";
import { getNotification, ownNotifications } from "./notifications.selectors.ts";

/** Marks one notification read/unread and/or completed. */
export async function updateNotification(
  db: Database,
  scope: Scope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateNotificationSchema>,
): Promise<Notification> {
  const before = await getNotification(db, scope, id);
  const after = { ...before, ...input };
  if (input.read !== undefined && input.read !== before.read) {
    after.read_at = input.read ? meta.now.toISOString() : null;
  }
  if (after.read === before.read && after.is_completed === before.is_completed) return before;
  await db.update(notifications)
    .set({ read: after.read, read_at: after.read_at, is_completed: after.is_completed })
    .where(and(ownNotifications(scope), eq(notifications.id, id)));
  return after;
}

/** Marks every unread notification of the caller read; answers how many changed. */
export async function markAllNotificationsRead(
  db: Database,
  scope: Scope,
  meta: RequestMeta,
): Promise<{ updated: number }> {
  // RETURNING counts the same way on libSQL and D1, whose result objects differ.
  const changed = await db.update(notifications)
    .set({ read: true, read_at: meta.now.toISOString() })
    .where(and(ownNotifications(scope), eq(notifications.read, false)))
    .returning({ id: notifications.id });
  return { updated: changed.length };
}
