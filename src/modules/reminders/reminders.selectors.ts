/** Reads of reminders: visible exactly when their client is (clientRowsInScope). @module */
import { and, eq, gte, lte } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { reminders } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { filterUserId } from "../../lib/fields.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ListRemindersQuery, Reminder } from "./reminders.schemas.ts";

const ordering: Ordering = {
  columns: { date: reminders.date, created_at: reminders.created_at },
  id: reminders.id,
  default: "date",
};

/** Lists the reminders of clients the caller sees, soonest first by default. */
export function listReminders(
  db: Database,
  scope: TenantScope,
  query: ListRemindersQuery,
  url: string,
) {
  const where = and(
    clientRowsInScope(scope, reminders, db),
    query.done === undefined ? undefined : eq(reminders.done, query.done),
    query.assigned_to
      ? eq(reminders.assigned_to, filterUserId(query.assigned_to, scope.actor.userId))
      : undefined,
    query.client_id ? eq(reminders.client_id, query.client_id) : undefined,
    query.date_before ? lte(reminders.date, query.date_before) : undefined,
    query.date_after ? gte(reminders.date, query.date_after) : undefined,
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, reminders, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, reminders, where),
  });
}

/** One reminder in scope, or 404. */
export async function getReminder(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<Reminder> {
  if (!isUuid(id)) throw notFound("Reminder");
  const [row] = await db.select().from(reminders).where(
    and(clientRowsInScope(scope, reminders, db), eq(reminders.id, id)),
  );
  if (!row) throw notFound("Reminder");
  return row;
}
