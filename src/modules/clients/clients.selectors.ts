/** Reads of clients within the caller's scope. @module */
import { and, eq, gte, isNull, lte, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { cachedCount } from "../../db/count-cache.ts";
import { preparedRows, preparedRowsText, selectRowTexts } from "../../db/json-rows.ts";
import { clients } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Ordering, paginateTexts } from "../../lib/pagination.ts";
import { matchesPattern, searchPattern } from "../../lib/search.ts";
import { deletedFilter } from "../../lib/soft-delete.ts";
import { clientsInScope, scopeArgs, scopePlaceholders } from "../../scope/filters.ts";
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

const SEARCHED = [
  clients.first_name,
  clients.last_name,
  clients.email,
  clients.phone,
  clients.passport_number,
];

/**
 * A client list's conditions with every value a placeholder, the values, and the
 * shape: which scope level and filters apply. The SQL depends only on the shape,
 * so each shape's statement is prepared once (a list of 25 built and compiled
 * through drizzle on every request spent a tenth of its time there).
 */
function listConditions(db: Database, scope: TenantScope, query: ListClientsQuery) {
  const args: Record<string, unknown> = scopeArgs(scope);
  const shape: string[] = [
    scope.level,
    query.only_deleted ? "only_deleted" : query.include_deleted ? "include_deleted" : "live",
  ];
  const bind = (name: string, value: unknown) => {
    args[name] = value;
    shape.push(name);
    return sql.placeholder(name);
  };
  const given = (
    name: keyof ListClientsQuery,
    value: unknown,
    condition: (p: Placeholder) => SQL,
  ) => value ? condition(bind(name, value)) : undefined;
  const pattern = searchPattern(query.search);
  const where = and(
    clientsInScope(scopePlaceholders(scope.level), db),
    deletedFilter(scope, query, clients.deleted_at),
    given("branch_id", query.branch_id, (p) => eq(clients.branch_id, p)),
    given("assigned_to", query.assigned_to, (p) => eq(clients.assigned_to, p)),
    given("agent_id", query.agent_id, (p) => eq(clients.agent_id, p)),
    given("status", query.status, (p) => eq(clients.status, p)),
    given("lead_source", query.lead_source, (p) => eq(clients.lead_source, p)),
    given("nationality", query.nationality, (p) => eq(clients.nationality, p)),
    given("visa_expiry_before", query.visa_expiry_before, (p) => lte(clients.visa_expiry_date, p)),
    given("visa_expiry_after", query.visa_expiry_after, (p) => gte(clients.visa_expiry_date, p)),
    given(
      "created_after",
      query.created_after && instant(query.created_after),
      (p) => gte(clients.created_at, p),
    ),
    given(
      "created_before",
      query.created_before && instant(query.created_before),
      (p) => lte(clients.created_at, p),
    ),
    given("search", pattern, (p) => matchesPattern(p, SEARCHED)),
  );
  return { where, args, shape: shape.join(" ") };
}

/** Lists the clients the caller sees, with the filters staff use. */
export function listClients(
  db: Database,
  scope: TenantScope,
  query: ListClientsQuery,
  url: string,
) {
  const { where, args, shape } = listConditions(db, scope, query);
  return paginateTexts(url, query, ordering, {
    rows: (seek, orderBy, limit) =>
      selectRowTexts(db, clients, { where: and(where, seek), orderBy, limit }, args),
    page: (orderBy, limit, offset, order) =>
      preparedRowsText(
        db,
        clients,
        `clients.list ${shape} ${order}`,
        () => ({
          where,
          orderBy,
          limit: sql.placeholder("limit"),
          offset: sql.placeholder("offset"),
        }),
        { ...args, limit, offset },
      ),
    count: () => cachedCount(db, clients, where, `clients ${shape} ${JSON.stringify(args)}`, args),
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
      limit: 1,
    }),
    { ...scopeArgs(scope), id },
  );
  if (!row) throw notFound("Client");
  return row;
}
