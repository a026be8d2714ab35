/**
 * What one client sub-resource (passports, notes, …) is made of. The selectors,
 * services and routes of this module are written once against this shape; each
 * table contributes only a definition (client-profiles.resources.ts): its table,
 * schemas, ordering, filters and its own rules.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { BatchStep } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import type { ListQuerySchema } from "../../lib/crud-routes.ts";
import { invalidField } from "../../lib/errors.ts";
import type { Ordering, Page, PageQuery } from "../../lib/pagination.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { Client } from "../clients/clients.schemas.ts";

/** The columns every client child row has (schema/profiles.ts). */
export type ProfileRow = {
  id: string;
  tenant_id: string;
  client_id: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
};

/** A client child table whose rows are `Row`. */
export type ProfileTable<Row extends ProfileRow> = SQLiteTable & {
  $inferSelect: Row;
  id: SQLiteColumn;
  tenant_id: SQLiteColumn;
  client_id: SQLiteColumn;
};

/** What a write knows: the request, and the live client in scope it writes under. */
export type WriteContext = {
  db: Database;
  scope: TenantScope;
  meta: RequestMeta;
  client: Client;
};

/**
 * One client sub-resource. `Row` is the stored row, `C` and `U` the validated
 * create and update bodies, `Q` the validated list query.
 */
export type ProfileResource<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
> = {
  /** The URL segment under `/clients/{client_id}/`. */
  path: string;
  /** Nouns for summaries and messages: `{ one: "passport", many: "passports" }`. */
  noun: { one: string; many: string };
  /** The audit log's entity_type. */
  entityType: string;
  /** The OpenAPI tag its routes are listed under. */
  tag: string;
  table: ProfileTable<Row>;
  schemas: {
    row: z.ZodType<Row>;
    page: z.ZodType<Page<Row>>;
    create: z.ZodType<C>;
    update: z.ZodType<U>;
    query: ListQuerySchema<Q>;
  };
  /** The sortable columns; the query schema's `ordering` whitelist names the same fields. */
  ordering: Ordering;
  /** The list conditions the query asks for (filters and `search`). */
  filters: (query: Q) => (SQL | undefined)[];
  /** The new row from a create body: ids and bookkeeping come in `base`. */
  build: (input: C, base: ProfileRow, ctx: WriteContext) => Row;
  /**
   * Rules on the row as it would be written (`before` is null on create): 422 for
   * a bad combination of fields, 404 for an id out of scope.
   */
  check?: (ctx: WriteContext, after: Row, before: Row | null) => void | Promise<void>;
  /** Throws 403 when the caller may not edit this row (default: every role may). */
  mayEdit?: (scope: TenantScope, row: Row) => void;
  /** Guards that must still hold when the write lands. */
  guards?: (ctx: WriteContext, after: Row, before: Row | null) => BatchStep[];
  /** Further writes of the same batch (each with its audit entry). */
  effects?: (ctx: WriteContext, after: Row, before: Row | null) => Promise<BatchStep[]>;
  /** Guards a delete must pass (e.g. the row is not cited by another). */
  deleteGuards?: (ctx: WriteContext, row: Row) => BatchStep[];
  /** Extra words for the OpenAPI descriptions of the routes. */
  docs?: { list?: string; create?: string; update?: string; remove?: string };
};

/** Declares a sub-resource, inferring its types from the table and schemas. */
export function defineProfileResource<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(resource: ProfileResource<Row, C, U, Q>): ProfileResource<Row, C, U, Q> {
  return resource;
}

/**
 * Throws 422 unless `from` ≤ `to` (calendar dates compare as text). The field
 * named is the `to` one, unless an edit moved only the `from` one past it.
 */
export function requireDateOrder<Row extends ProfileRow>(
  after: Row,
  before: Row | null,
  fromField: keyof Row & string,
  toField: keyof Row & string,
): void {
  const from = after[fromField];
  const to = after[toField];
  if (typeof from !== "string" || typeof to !== "string" || from <= to) return;
  const movedOnlyFrom = before !== null && before[fromField] !== from && before[toField] === to;
  throw invalidField(
    movedOnlyFrom ? fromField : toField,
    `${toField} must be on or after ${fromField}.`,
  );
}
