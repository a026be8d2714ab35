/**
 * Reads of visa applications: visible exactly when their client is, each with
 * the counts of its document checklist. @module
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { checklist_items, visa_applications } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { withDocuments } from "../checklist-items/checklist-items.counts.ts";
import type { ListVisaApplicationsQuery, VisaApplication } from "./visa-applications.schemas.ts";

const ordering: Ordering = {
  columns: { created_at: visa_applications.created_at, updated_at: visa_applications.updated_at },
  id: visa_applications.id,
  default: "-created_at",
};

/** Lists the visa applications of clients the caller sees. */
export function listVisaApplications(
  db: Database,
  scope: TenantScope,
  query: ListVisaApplicationsQuery,
  url: string,
) {
  const where = and(
    clientRowsInScope(scope, visa_applications, db),
    query.status ? eq(visa_applications.status, query.status) : undefined,
    query.visa_type_id ? eq(visa_applications.visa_type_id, query.visa_type_id) : undefined,
    query.assigned_to ? eq(visa_applications.assigned_to, query.assigned_to) : undefined,
    query.client_id ? eq(visa_applications.client_id, query.client_id) : undefined,
    matchesSearch(query.search, [
      visa_applications.government_reference,
      visa_applications.grant_number,
    ]),
  );
  return paginate<VisaApplication>(url, query, ordering, {
    rows: async (seek, orderBy, limit, offset) =>
      withDocuments(
        db,
        checklist_items.visa_application_id,
        await db.select().from(visa_applications).where(and(where, seek)).orderBy(...orderBy)
          .limit(limit).offset(offset),
      ),
    ...countOf(db, visa_applications, where),
  });
}

/** One visa application in scope, or 404. */
export async function getVisaApplication(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<VisaApplication> {
  if (!isUuid(id)) throw notFound("Visa application");
  const [row] = await db.select().from(visa_applications).where(
    and(clientRowsInScope(scope, visa_applications, db), eq(visa_applications.id, id)),
  );
  if (!row) throw notFound("Visa application");
  const [withCounts] = await withDocuments(db, checklist_items.visa_application_id, [row]);
  return withCounts;
}
