/** Reads of visa categories and types: the whole tenant sees its own. @module */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { visa_categories, visa_types } from "../../db/schema/index.ts";
import type { Ordering } from "../../lib/pagination.ts";
import { getReferenceRow, listReferenceRows } from "../../lib/reference-data.ts";
import { matchesSearch } from "../../lib/search.ts";
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
  return listReferenceRows(
    db,
    scope,
    {
      table: visa_categories,
      ordering: categoryOrdering,
      filters: [matchesSearch(query.search, [visa_categories.name, visa_categories.code])],
    },
    query,
    url,
  );
}

/** One visa category of the tenant, or 404. */
export function getVisaCategory(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<VisaCategory> {
  return getReferenceRow(db, scope, visa_categories, "Visa category", id);
}

/** Lists the tenant's visa types, optionally of one category. */
export function listVisaTypes(
  db: Database,
  scope: TenantScope,
  query: ListVisaTypesQuery,
  url: string,
) {
  return listReferenceRows(
    db,
    scope,
    {
      table: visa_types,
      ordering: typeOrdering,
      filters: [
        query.visa_category_id
          ? eq(visa_types.visa_category_id, query.visa_category_id)
          : undefined,
        matchesSearch(query.search, [visa_types.name, visa_types.code]),
      ],
    },
    query,
    url,
  );
}

/** One visa type of the tenant, or 404. */
export function getVisaType(db: Database, scope: TenantScope, id: string): Promise<VisaType> {
  return getReferenceRow(db, scope, visa_types, "Visa type", id);
}
