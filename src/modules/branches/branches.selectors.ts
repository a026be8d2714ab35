/** Reads of branches within the caller's scope. @module */
import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { branches } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { deletedFilter } from "../../lib/soft-delete.ts";
import { branchesInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { Branch, ListBranchesQuery } from "./branches.schemas.ts";

const ordering: Ordering = {
  columns: { created_at: branches.created_at, name: branches.name },
  id: branches.id,
  default: "created_at",
};

/** Lists the branches the caller sees (live ones unless asked otherwise). */
export function listBranches(
  db: Database,
  scope: TenantScope,
  query: ListBranchesQuery,
  url: string,
) {
  const where = and(
    branchesInScope(scope),
    deletedFilter(scope, query, branches.deleted_at),
    query.region_id ? eq(branches.region_id, query.region_id) : undefined,
    matchesSearch(query.search, [branches.name, branches.address, branches.email]),
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, branches, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, branches, where),
  });
}

/** One branch in scope, or 404; deleted ones only when `withDeleted`. */
export async function getBranch(
  db: Database,
  scope: TenantScope,
  id: string,
  withDeleted = false,
): Promise<Branch> {
  if (!isUuid(id)) throw notFound("Branch");
  const conditions: (SQL | undefined)[] = [branchesInScope(scope), eq(branches.id, id)];
  if (!withDeleted) conditions.push(isNull(branches.deleted_at));
  const [row] = await db.select().from(branches).where(and(...conditions));
  if (!row) throw notFound("Branch");
  return row;
}
