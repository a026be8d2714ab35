/** Reads of applications: visible exactly when their client is, with their checklist counts. @module */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { applications, checklist_items } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { withDocuments } from "../checklist-items/checklist-items.counts.ts";
import type { Application, ListApplicationsQuery } from "./applications.schemas.ts";

const ordering: Ordering = {
  columns: {
    created_at: applications.created_at,
    updated_at: applications.updated_at,
    // Nullable: applications without an intake come first ascending, last descending.
    intake: applications.intake,
  },
  id: applications.id,
  default: "-created_at",
};

/** Lists the applications of clients the caller sees. */
export function listApplications(
  db: Database,
  scope: TenantScope,
  query: ListApplicationsQuery,
  url: string,
) {
  const where = and(
    clientRowsInScope(scope, applications, db),
    query.status ? eq(applications.status, query.status) : undefined,
    query.application_type_id
      ? eq(applications.application_type_id, query.application_type_id)
      : undefined,
    query.stage_id ? eq(applications.stage_id, query.stage_id) : undefined,
    query.assigned_to ? eq(applications.assigned_to, query.assigned_to) : undefined,
    query.client_id ? eq(applications.client_id, query.client_id) : undefined,
    query.intake ? eq(applications.intake, query.intake) : undefined,
    matchesSearch(query.search, [applications.institution, applications.course]),
  );
  return paginate<Application>(url, query, ordering, {
    rows: async (seek, orderBy, limit, offset) =>
      withDocuments(
        db,
        checklist_items.application_id,
        await db.select().from(applications).where(and(where, seek)).orderBy(...orderBy)
          .limit(limit).offset(offset),
      ),
    ...countOf(db, applications, where),
  });
}

/** One application in scope, or 404. */
export async function getApplication(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<Application> {
  if (!isUuid(id)) throw notFound("Application");
  const [row] = await db.select().from(applications).where(
    and(clientRowsInScope(scope, applications, db), eq(applications.id, id)),
  );
  if (!row) throw notFound("Application");
  const [withCounts] = await withDocuments(db, checklist_items.application_id, [row]);
  return withCounts;
}
