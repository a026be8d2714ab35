/** Reads of tenants, always through the caller's scope. @module */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { tenants } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { tenantsInScope } from "../../scope/filters.ts";
import type { Scope } from "../../scope/scope.ts";
import type { ListTenantsQuery, Tenant } from "./tenants.schemas.ts";

const ordering: Ordering = {
  columns: { created_at: tenants.created_at, name: tenants.name },
  id: tenants.id,
  default: "created_at",
};

/** Lists tenants: all for the platform admin, the caller's own for everyone else. */
export function listTenants(db: Database, scope: Scope, query: ListTenantsQuery, url: string) {
  const where = and(
    tenantsInScope(scope),
    query.is_active === undefined ? undefined : eq(tenants.is_active, query.is_active),
    matchesSearch(query.search, [tenants.name, tenants.domain]),
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, tenants, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, tenants, where),
  });
}

/** One tenant in scope, or 404. */
export async function getTenant(db: Database, scope: Scope, id: string): Promise<Tenant> {
  if (!isUuid(id)) throw notFound("Tenant");
  const [row] = await db.select().from(tenants).where(
    and(tenantsInScope(scope), eq(tenants.id, id)),
  );
  if (!row) throw notFound("Tenant");
  return row;
}
