/**
 * Reads of checklist items: an item is seen exactly when its application is
 * (its client in scope), and a soft-deleted item is hidden. @module
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { checklist_items } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Ordering, paginate } from "../../lib/pagination.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getVisaApplication } from "../visa-applications/visa-applications.selectors.ts";
import type { ChecklistItem, ListChecklistItemsQuery } from "./checklist-items.schemas.ts";

const ordering: Ordering = {
  columns: {
    position: checklist_items.position,
    due_date: checklist_items.due_date,
    updated_at: checklist_items.updated_at,
  },
  id: checklist_items.id,
  default: "position",
};

function itemsOf(scope: TenantScope, db: Database, applicationId: string) {
  return and(
    clientRowsInScope(scope, checklist_items, db),
    eq(checklist_items.visa_application_id, applicationId),
    isNull(checklist_items.deleted_at),
  );
}

/** The checklist of an application in scope (404 for any other). */
export async function listChecklistItems(
  db: Database,
  scope: TenantScope,
  applicationId: string,
  query: ListChecklistItemsQuery,
  url: string,
) {
  await getVisaApplication(db, scope, applicationId);
  const where = and(
    itemsOf(scope, db, applicationId),
    query.status ? eq(checklist_items.status, query.status) : undefined,
  );
  return await paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      db.select().from(checklist_items).where(and(where, seek)).orderBy(...orderBy).limit(limit)
        .offset(offset),
    count: () => db.$count(checklist_items, where),
  });
}

/** One item of the application, or 404. */
export async function getChecklistItem(
  db: Database,
  scope: TenantScope,
  applicationId: string,
  itemId: string,
): Promise<ChecklistItem> {
  if (!isUuid(itemId)) throw notFound("Checklist item");
  const [row] = await db.select().from(checklist_items).where(
    and(itemsOf(scope, db, applicationId), eq(checklist_items.id, itemId)),
  );
  if (!row) throw notFound("Checklist item");
  return row;
}

/** The next free position at the end of an application's checklist. */
export async function nextPosition(db: Database, applicationId: string): Promise<number> {
  const [row] = await db.select({ last: sql<number | null>`max(${checklist_items.position})` })
    .from(checklist_items).where(eq(checklist_items.visa_application_id, applicationId));
  return (row?.last ?? -1) + 1;
}
