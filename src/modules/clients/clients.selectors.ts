/** Reads of clients within the caller's scope. @module */
import { and, eq, gte, isNull, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { cachedCount } from "../../db/count-cache.ts";
import { preparedRows, selectRows } from "../../db/json-rows.ts";
import { clients } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { filtersOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { deletedFilter } from "../../lib/soft-delete.ts";
import { clientsInScope, scopeArgs, scopeKey, scopePlaceholders } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { Client, ListClientsQuery } from "./clients.schemas.ts";

const ordering: Ordering = {
  columns: {
    created_at: clients.created_at,
    updated_at: clients.updated_at,
    last_name: clients.last_name,
    first_name: clients.first_name,
  },
  id: clients.id,
  default: "-created_at",
};

/** Instants are stored as `toISOString()` text; normalise a filter to compare as text. */
const instant = (value: string) => new Date(value).toISOString();

/** Lists the clients the caller sees, with the filters staff use. */
export function listClients(
  db: Database,
  scope: TenantScope,
  query: ListClientsQuery,
  url: string,
) {
  const where = and(
    clientsInScope(scope, db),
    deletedFilter(scope, query, clients.deleted_at),
    query.branch_id ? eq(clients.branch_id, query.branch_id) : undefined,
    query.assigned_to ? eq(clients.assigned_to, query.assigned_to) : undefined,
    query.agent_id ? eq(clients.agent_id, query.agent_id) : undefined,
    query.status ? eq(clients.status, query.status) : undefined,
    query.lead_source ? eq(clients.lead_source, query.lead_source) : undefined,
    query.nationality ? eq(clients.nationality, query.nationality) : undefined,
    query.visa_expiry_before ? lte(clients.visa_expiry_date, query.visa_expiry_before) : undefined,
    query.visa_expiry_after ? gte(clients.visa_expiry_date, query.visa_expiry_after) : undefined,
    query.created_after ? gte(clients.created_at, instant(query.created_after)) : undefined,
    query.created_before ? lte(clients.created_at, instant(query.created_before)) : undefined,
    matchesSearch(query.search, [
      clients.first_name,
      clients.last_name,
      clients.email,
      clients.phone,
      clients.passport_number,
    ]),
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, clients, { where: and(where, seek), orderBy, limit, offset }),
    count: () =>
      cachedCount(
        db,
        clients,
        where,
        `clients ${scopeKey(scope)} ${JSON.stringify(filtersOf(query))}`,
      ),
  });
}

/** One client in scope (live unless `withDeleted`), or 404. */
export async function getClient(
  db: Database,
  scope: TenantScope,
  id: string,
  withDeleted = false,
): Promise<Client> {
  if (!isUuid(id)) throw notFound("Client");
  const [row] = await preparedRows(
    db,
    clients,
    `clients.get ${scope.level} ${withDeleted}`,
    () => ({
      where: and(
        clientsInScope(scopePlaceholders(scope.level), db),
        eq(clients.id, sql.placeholder("id")),
        withDeleted ? undefined : isNull(clients.deleted_at),
      ),
    }),
    { ...scopeArgs(scope), id },
  );
  if (!row) throw notFound("Client");
  return row;
}
