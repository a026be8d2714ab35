/** Reads of visa categories and types: the whole tenant reads its reference data. @module */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { visa_categories, visa_types } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { referenceInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type {
  ListVisaCategoriesQuery,
  ListVisaTypesQuery,
  VisaCategory,
  VisaType,
} from "./visa-reference.schemas.ts";

const categoryOrdering: Ordering = {
  columns: {
    created_at: visa_categories.created_at,
    name: visa_categories.name,
    code: visa_categories.code,
  },
  id: visa_categories.id,
  default: "name",
};
const typeOrdering: Ordering = {
  columns: { created_at: visa_types.created_at, name: visa_types.name, code: visa_types.code },
  id: visa_types.id,
  default: "name",
};

/** Lists the tenant's visa categories. */
export function listVisaCategories(
  db: Database,
  scope: TenantScope,
  query: ListVisaCategoriesQuery,
  url: string,
) {
  const where = and(
    referenceInScope(scope, visa_categories.tenant_id),
    matchesSearch(query.search, [visa_categories.name, visa_categories.code]),
  );
  return paginate(url, query, categoryOrdering, {
    rows: (seek, orderBy, limit, offset) =>
      db.select().from(visa_categories).where(and(where, seek)).orderBy(...orderBy).limit(limit)
        .offset(offset),
    count: () => db.$count(visa_categories, where),
  });
}

/** One visa category of the tenant, or 404. */
export async function getVisaCategory(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<VisaCategory> {
  if (!isUuid(id)) throw notFound("Visa category");
  const [row] = await db.select().from(visa_categories).where(
    and(referenceInScope(scope, visa_categories.tenant_id), eq(visa_categories.id, id)),
  );
  if (!row) throw notFound("Visa category");
  return row;
}

/** Lists the tenant's visa types, optionally of one category. */
export function listVisaTypes(
  db: Database,
  scope: TenantScope,
  query: ListVisaTypesQuery,
  url: string,
) {
  const where = and(
    referenceInScope(scope, visa_types.tenant_id),
    query.visa_category_id ? eq(visa_types.visa_category_id, query.visa_category_id) : undefined,
    matchesSearch(query.search, [visa_types.name, visa_types.code]),
  );
  return paginate(url, query, typeOrdering, {
    rows: (seek, orderBy, limit, offset) =>
      db.select().from(visa_types).where(and(where, seek)).orderBy(...orderBy).limit(limit).offset(
        offset,
      ),
    count: () => db.$count(visa_types, where),
  });
}

/** One visa type of the tenant, or 404. */
export async function getVisaType(db: Database, scope: TenantScope, id: string): Promise<VisaType> {
  if (!isUuid(id)) throw notFound("Visa type");
  const [row] = await db.select().from(visa_types).where(
    and(referenceInScope(scope, visa_types.tenant_id), eq(visa_types.id, id)),
  );
  if (!row) throw notFound("Visa type");
  return row;
}
