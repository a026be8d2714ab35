/** Reads of agents within the caller's scope. @module */
import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { agents } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { deletedFilter } from "../../lib/soft-delete.ts";
import { agentsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { Agent, ListAgentsQuery } from "./agents.schemas.ts";

const ordering: Ordering = {
  columns: { created_at: agents.created_at, name: agents.name },
  id: agents.id,
  default: "created_at",
};

/** Lists the agents the caller sees (tenant-wide ones included). */
export function listAgents(db: Database, scope: TenantScope, query: ListAgentsQuery, url: string) {
  const where = and(
    agentsInScope(scope, db),
    deletedFilter(scope, query, agents.deleted_at),
    query.branch_id ? eq(agents.branch_id, query.branch_id) : undefined,
    matchesSearch(query.search, [agents.name, agents.company, agents.email, agents.phone]),
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, agents, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, agents, where),
  });
}

/** One agent in scope (live unless `withDeleted`), or 404. */
export async function getAgent(
  db: Database,
  scope: TenantScope,
  id: string,
  withDeleted = false,
): Promise<Agent> {
  if (!isUuid(id)) throw notFound("Agent");
  const conditions: (SQL | undefined)[] = [agentsInScope(scope, db), eq(agents.id, id)];
  if (!withDeleted) conditions.push(isNull(agents.deleted_at));
  const [row] = await db.select().from(agents).where(and(...conditions));
  if (!row) throw notFound("Agent");
  return row;
}
