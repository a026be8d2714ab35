/** Reads of the caller's own notifications; nobody reads another user's (404). @module */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { notifications } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { type Notification, toNotification } from "../../notifications/notification.ts";
import type { Scope } from "../../scope/scope.ts";
import type { ListNotificationsQuery } from "./notifications.schemas.ts";

const ordering: Ordering = {
  columns: { seq: notifications.seq, created_at: notifications.created_at },
  id: notifications.id,
  default: "-seq",
};

/** The one filter for notifications: the recipient is the caller. */
export function ownNotifications(scope: Scope) {
  return eq(notifications.recipient_id, scope.actor.userId);
}

/** Lists the caller's notifications, newest first by default. */
export async function listNotifications(
  db: Database,
  scope: Scope,
  query: ListNotificationsQuery,
  url: string,
) {
  const where = and(
    ownNotifications(scope),
    query.read === undefined ? undefined : eq(notifications.read, query.read),
    query.type ? eq(notifications.type, query.type) : undefined,
  );
  const page = await paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, notifications, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, notifications, where),
  });
  return { ...page, results: page.results.map(toNotification) };
}

/** One of the caller's notifications, or 404. */
export async function getNotification(
  db: Database,
  scope: Scope,
  id: string,
): Promise<Notification> {
  if (!isUuid(id)) throw notFound("Notification");
  const [row] = await db.select().from(notifications).where(
    and(ownNotifications(scope), eq(notifications.id, id)),
  );
  if (!row) throw notFound("Notification");
  return toNotification(row);
}
