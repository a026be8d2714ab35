/** Reads of application types and stages: the whole tenant sees its own. @module */
import { and, asc, eq, max } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { application_stages, application_types } from "../../db/schema/index.ts";
import type { Ordering } from "../../lib/pagination.ts";
import { getReferenceRow, listReferenceRows } from "../../lib/reference-data.ts";
import { matchesSearch } from "../../lib/search.ts";
import { referenceInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type {
  ApplicationStage,
  ApplicationType,
  ListApplicationStagesQuery,
  ListApplicationTypesQuery,
} from "./application-reference.schemas.ts";

const typeOrdering: Ordering = {
  columns: {
    name: application_types.name,
    code: application_types.code,
    created_at: application_types.created_at,
  },
  id: application_types.id,
  default: "name",
};

/** A type's stages in order; tenant-wide, grouped by type (the stages index order). */
const stageOrdering: Ordering = {
  columns: {
    position: [application_stages.application_type_id, application_stages.position],
    name: application_stages.name,
    created_at: application_stages.created_at,
  },
  id: application_stages.id,
  default: "position",
};

/** Lists the tenant's application types. */
export function listApplicationTypes(
  db: Database,
  scope: TenantScope,
  query: ListApplicationTypesQuery,
  url: string,
) {
  return listReferenceRows(
    db,
    scope,
    {
      table: application_types,
      ordering: typeOrdering,
      filters: [matchesSearch(query.search, [application_types.name, application_types.code])],
    },
    query,
    url,
  );
}

/** One application type of the tenant, or 404. */
export function getApplicationType(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<ApplicationType> {
  return getReferenceRow(db, scope, application_types, "Application type", id);
}

/** Lists the tenant's application stages, by type and position unless asked otherwise. */
export function listApplicationStages(
  db: Database,
  scope: TenantScope,
  query: ListApplicationStagesQuery,
  url: string,
) {
  const typeId = query.application_type_id;
  return listReferenceRows(
    db,
    scope,
    {
      table: application_stages,
      ordering: stageOrdering,
      filters: [
        typeId ? eq(application_stages.application_type_id, typeId) : undefined,
        matchesSearch(query.search, [application_stages.name]),
      ],
    },
    query,
    url,
  );
}

/** One application stage of the tenant, or 404. */
export function getApplicationStage(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<ApplicationStage> {
  return getReferenceRow(db, scope, application_stages, "Application stage", id);
}

const ofType = (scope: TenantScope, typeId: string) =>
  and(
    referenceInScope(scope, application_stages.tenant_id),
    eq(application_stages.application_type_id, typeId),
  );

/** The first stage of a type (lowest position, then oldest), or null when it has none. */
export async function firstStageOf(
  db: Database,
  scope: TenantScope,
  typeId: string,
): Promise<ApplicationStage | null> {
  const [stage] = await db.select().from(application_stages).where(ofType(scope, typeId))
    .orderBy(asc(application_stages.position), asc(application_stages.id)).limit(1);
  return stage ?? null;
}

/** The highest stage position of a type, 0 when it has no stages. */
export async function lastStagePosition(
  db: Database,
  scope: TenantScope,
  typeId: string,
): Promise<number> {
  const [row] = await db.select({ last: max(application_stages.position) })
    .from(application_stages).where(ofType(scope, typeId));
  return row?.last ?? 0;
}
