/**
 * Reads of a client's records, for any sub-resource definition. The client is
 * resolved first (404 "Client not found" when unknown, out of scope or
 * soft-deleted); the rows are then read through `clientRowsInScope` and the
 * client's id, so a record shows only under its own client's URL.
 * @module
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Page, type PageQuery, paginate } from "../../lib/pagination.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { Client } from "../clients/clients.schemas.ts";
import { getClient } from "../clients/clients.selectors.ts";
import type { ProfileResource, ProfileRow } from "./client-profiles.resource.ts";

/** "passport" → "Passport", for "Passport not found." */
function entityName(resource: { noun: { one: string } }): string {
  const { one } = resource.noun;
  return one.charAt(0).toUpperCase() + one.slice(1);
}

/** The conditions of a client's list: the scope, the client, and the query's filters. */
export function clientRecordsWhere<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  resource: ProfileResource<Row, C, U, Q>,
  client: Client,
  query: Q,
): SQL | undefined {
  const { table } = resource;
  return and(
    clientRowsInScope(scope, table, db),
    eq(table.client_id, client.id),
    ...resource.filters(query),
  );
}

/** Lists one client's records, with the resource's filters, ordering and both paging modes. */
export async function listClientRecords<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  resource: ProfileResource<Row, C, U, Q>,
  clientId: string,
  query: Q,
  url: string,
): Promise<Page<Row>> {
  const client = await getClient(db, scope, clientId);
  const { table } = resource;
  const where = clientRecordsWhere(db, scope, resource, client, query);
  return await paginate(url, query, resource.ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, table, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, table, where),
  });
}

/** One record of a client already resolved in scope; 404 when it is not that client's. */
export async function getRecordOfClient<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  resource: ProfileResource<Row, C, U, Q>,
  client: Client,
  id: string,
): Promise<Row> {
  if (!isUuid(id)) throw notFound(entityName(resource));
  const { table } = resource;
  const [row] = await selectRows(db, table, {
    where: and(
      clientRowsInScope(scope, table, db),
      eq(table.client_id, client.id),
      eq(table.id, id),
    ),
    limit: 1,
  });
  if (!row) throw notFound(entityName(resource));
  return row;
}

/** One record of a live client in scope, with that client; 404 for either. */
export async function getClientRecord<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  resource: ProfileResource<Row, C, U, Q>,
  clientId: string,
  id: string,
): Promise<{ client: Client; row: Row }> {
  const client = await getClient(db, scope, clientId);
  return { client, row: await getRecordOfClient(db, scope, resource, client, id) };
}
