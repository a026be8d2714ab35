/** Reads of clients within the caller's scope. @module */
import { and, count, eq, gte, isNull, lte, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/database.ts";
import { changeEpoch } from "../../db/change-epochs.ts";
import { answersInProcess } from "../../db/change-version.ts";
import { cachedCount } from "../../db/count-cache.ts";
import { searchedIds } from "./client-search.ts";
import { preparedPerDatabase } from "../../db/prepared.ts";
import {
  parseRow,
  preparedRowsText,
  preparedRowTexts,
  type RowText,
  selectRowTexts,
} from "../../db/json-rows.ts";
import { client_counts, clients } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Ordering, paginateTexts } from "../../lib/pagination.ts";
import { matchesPattern, searchPattern } from "../../lib/search.ts";
import { deletedCondition, requireDeletedListRights } from "../../lib/soft-delete.ts";
import {
  branchRowsInScope,
  clientsInScope,
  scopeArgs,
  scopePlaceholders,
} from "../../scope/filters.ts";
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

/**
 * The filters of a client list: its query field, the value bound, the condition on
 * it, and the client_counts column that answers it, for the two filters a count
 * can be summed for without walking the clients.
 */
const FILTERS: [
  keyof ListClientsQuery,
  (query: ListClientsQuery) => unknown,
  (value: Placeholder) => SQL,
  SQLiteColumn?,
][] = [
  ["branch_id", (q) => q.branch_id, (p) => eq(clients.branch_id, p), client_counts.branch_id],
  ["assigned_to", (q) => q.assigned_to, (p) => eq(clients.assigned_to, p)],
  ["agent_id", (q) => q.agent_id, (p) => eq(clients.agent_id, p)],
  ["status", (q) => q.status, (p) => eq(clients.status, p), client_counts.status],
  ["lead_source", (q) => q.lead_source, (p) => eq(clients.lead_source, p)],
  ["nationality", (q) => q.nationality, (p) => eq(clients.nationality, p)],
  ["visa_expiry_before", (q) => q.visa_expiry_before, (p) => lte(clients.visa_expiry_date, p)],
  ["visa_expiry_after", (q) => q.visa_expiry_after, (p) => gte(clients.visa_expiry_date, p)],
  [
    "created_after",
    (q) => q.created_after && instant(q.created_after),
    (p) => gte(clients.created_at, p),
  ],
  [
    "created_before",
    (q) => q.created_before && instant(q.created_before),
    (p) => lte(clients.created_at, p),
  ],
  ["search", (q) => searchPattern(q.search), (p) => matchesPattern(p, [clients.search_text])],
];

/**
 * A client list's values and shape (which scope level and filters apply), and its
 * conditions with every value a placeholder. The SQL depends only on the shape, so
 * each shape's statement is prepared once and `where` is built only when one is
 * prepared or a count is not cached (building it through drizzle on every request
 * was a tenth of a list's time, then 3%).
 */
function listConditions(db: Database, scope: TenantScope, query: ListClientsQuery) {
  const args: Record<string, unknown> = scopeArgs(scope);
  const shape: string[] = [
    scope.level,
    query.only_deleted ? "only_deleted" : query.include_deleted ? "include_deleted" : "live",
  ];
  const given = FILTERS.filter(([name, valueOf]) => {
    const value = valueOf(query);
    if (value) {
      args[name] = value;
      shape.push(name);
    }
    return value;
  });
  // The rights check now, not in `where`: a shape's statement and counts are
  // shared by every role of its level (so by a consultant and a branch_admin).
  requireDeletedListRights(scope, query);
  const where = (unless?: keyof ListClientsQuery) =>
    and(
      clientsInScope(scopePlaceholders(scope.level), db),
      deletedCondition(query, clients.deleted_at),
      ...given.filter(([name]) => name !== unless)
        .map(([name, , condition]) => condition(sql.placeholder(name))),
    );
  // The same scope and filters on the per-branch counts, when they hold every filter.
  const deleted = query.only_deleted ? 1 : query.include_deleted ? undefined : 0;
  const summed = given.every(([, , , counted]) => counted) &&
    (() =>
      and(
        branchRowsInScope(scopePlaceholders(scope.level), client_counts, db),
        deleted === undefined ? undefined : eq(client_counts.deleted, deleted),
        ...given.map(([name, , , counted]) => eq(counted!, sql.placeholder(name))),
      ));
  return { where, summed, args, shape: shape.join(" "), filters: given.map(([name]) => name) };
}

type CountStatement = {
  get: (args: Record<string, unknown>) => Promise<{ n: number } | undefined>;
};
const preparedCount = preparedPerDatabase<CountStatement>(1000);

/**
 * A list's exact count, by a statement prepared once per shape: a sum of the
 * client_counts rows in scope when they answer every filter, else a count of the
 * clients in scope (index entries only, but every one of them).
 */
function countClients(
  db: Database,
  { where, summed, args, shape }: ReturnType<typeof listConditions>,
): Promise<number> {
  const statement = preparedCount(
    db,
    shape,
    () =>
      summed
        ? db.select({ n: sql<number>`coalesce(sum(${client_counts.n}), 0)`.mapWith(Number) })
          .from(client_counts).where(summed()).prepare()
        : db.select({ n: count() }).from(clients).where(where()).prepare(),
  );
  return statement.get(args).then((row) => row?.n ?? 0);
}

/** Lists the clients the caller sees, with the filters staff use. */
export async function listClients(
  db: Database,
  scope: TenantScope,
  query: ListClientsQuery,
  url: string,
) {
  const conditions = listConditions(db, scope, query);
  const { where, args, shape } = conditions;
  const searched = await searchedIds(db, scope, query, conditions.filters);
  return paginateTexts(url, query, ordering, {
    rows: (seek, orderBy, limit) =>
      selectRowTexts(db, clients, { where: and(where(), seek), orderBy, limit }, args),
    page: (orderBy, limit, offset, order) =>
      searched
        ? preparedRowsText(
          db,
          clients,
          `clients.searched ${shape} ${order}`,
          // The scope and the other filters again, so no id can bring in a row
          // outside them. Not the term: LIKE on a row read whole cost ~5 µs a
          // row, where on the index entries it cost 0.1.
          () => ({ ids: sql.placeholder("ids"), where: where("search"), orderBy }),
          { ...args, ids: JSON.stringify(searched.slice(offset, offset + limit)) },
        )
        : preparedRowsText(
          db,
          clients,
          `clients.list ${shape} ${order}`,
          () => ({
            where: where(),
            orderBy,
            limit: sql.placeholder("limit"),
            offset: sql.placeholder("offset"),
          }),
          { ...args, limit, offset },
        ),
    countAfterPage: answersInProcess(db),
    count: async () => {
      if (searched) return searched.length;
      const { version } = scope.actor;
      const stamp = conditions.summed ? await changeEpoch(db, "client_counts", version) : version;
      return cachedCount(
        db,
        `clients ${shape} ${JSON.stringify(args)}`,
        () => countClients(db, conditions),
        stamp,
      );
    },
  });
}

/**
 * One client in scope (live unless `withDeleted`) as the JSON text SQLite wrote,
 * or 404: the detail route answers it as it is.
 */
export async function getClientText(
  db: Database,
  scope: TenantScope,
  id: string,
  withDeleted = false,
): Promise<RowText<Client>> {
  if (!isUuid(id)) throw notFound("Client");
  const [text] = await preparedRowTexts(
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
  if (!text) throw notFound("Client");
  return text;
}

/** One client in scope (live unless `withDeleted`), or 404. */
export async function getClient(
  db: Database,
  scope: TenantScope,
  id: string,
  withDeleted = false,
): Promise<Client> {
  return parseRow(await getClientText(db, scope, id, withDeleted));
}
