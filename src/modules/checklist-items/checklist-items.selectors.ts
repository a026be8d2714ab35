/**
 * Reads of checklist items: an item is seen exactly when its case (a visa
 * application or a study application) is, that is when its client is in scope;
 * a soft-deleted item is hidden. @module
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { checklist_items } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getApplication } from "../applications/applications.selectors.ts";
import { getVisaApplication } from "../visa-applications/visa-applications.selectors.ts";
import type { DocumentCounts } from "./checklist-items.counts.ts";
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

/** The case a checklist belongs to. */
export type CaseRef = { kind: "visa_application" | "application"; id: string };
/** A case read in scope: who it is for and where its checklist stands. */
export type ChecklistCase = CaseRef & {
  tenant_id: string;
  client_id: string;
  assigned_to: string | null;
  documents: DocumentCounts;
};

/** The checklist column that names a case of this kind. */
export function caseColumn(kind: CaseRef["kind"]) {
  return kind === "visa_application"
    ? checklist_items.visa_application_id
    : checklist_items.application_id;
}

/** The case, in scope, or its 404. */
export async function getCase(
  db: Database,
  scope: TenantScope,
  ref: CaseRef,
): Promise<ChecklistCase> {
  const row = ref.kind === "visa_application"
    ? await getVisaApplication(db, scope, ref.id)
    : await getApplication(db, scope, ref.id);
  return {
    ...ref,
    tenant_id: row.tenant_id,
    client_id: row.client_id,
    assigned_to: row.assigned_to,
    documents: row.documents,
  };
}

function itemsOf(scope: TenantScope, db: Database, ref: CaseRef) {
  return and(
    clientRowsInScope(scope, checklist_items, db),
    eq(caseColumn(ref.kind), ref.id),
    isNull(checklist_items.deleted_at),
  );
}

/** The checklist of a case in scope (404 for any other). */
export async function listChecklistItems(
  db: Database,
  scope: TenantScope,
  ref: CaseRef,
  query: ListChecklistItemsQuery,
  url: string,
) {
  await getCase(db, scope, ref);
  const where = and(
    itemsOf(scope, db, ref),
    query.status ? eq(checklist_items.status, query.status) : undefined,
  );
  return await paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, checklist_items, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, checklist_items, where),
  });
}

/** One item of the case, or 404. */
export async function getChecklistItem(
  db: Database,
  scope: TenantScope,
  ref: CaseRef,
  itemId: string,
): Promise<ChecklistItem> {
  if (!isUuid(itemId)) throw notFound("Checklist item");
  const [row] = await db.select().from(checklist_items).where(
    and(itemsOf(scope, db, ref), eq(checklist_items.id, itemId)),
  );
  if (!row) throw notFound("Checklist item");
  return row;
}

/** The next free position at the end of a case's checklist. */
export async function nextPosition(db: Database, ref: CaseRef): Promise<number> {
  const [row] = await db.select({ last: sql<number | null>`max(${checklist_items.position})` })
    .from(checklist_items).where(eq(caseColumn(ref.kind), ref.id));
  return (row?.last ?? -1) + 1;
}
