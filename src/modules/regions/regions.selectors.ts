/** Reads of regions within the caller's scope. @module */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { regions } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { regionsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ListRegionsQuery, Region } from "./regions.schemas.ts";

const ordering: Ordering = {
  columns: { created_at: regions.created_at, name: regions.name },
  id: regions.id,
  default: "created_at",
};

/** Lists the regions the caller sees. */
export function listRegions(
  db: Database,
  scope: TenantScope,
  query: ListRegionsQuery,
  url: string,
) {
  const where = and(regionsInScope(scope), matchesSearch(query.search, [regions.name]));
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, regions, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, regions, where),
  });
}

/** One region in scope, or 404. */
export async function getRegion(db: Database, scope: TenantScope, id: string): Promise<Region> {
  if (!isUuid(id)) throw notFound("Region");
  const [row] = await db.select().from(regions).where(
    and(regionsInScope(scope), eq(regions.id, id)),
  );
  if (!row) throw notFound("Region");
  return row;
}
