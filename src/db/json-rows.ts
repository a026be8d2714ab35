/**
 * Whole rows read as SQLite's own JSON. Through `@libsql/client` and drizzle a row
 * costs one native string per value and two mapping passes in JavaScript: a page
 * of 25 clients (26 columns) was a third of a list request's time. Asked for one
 * `json_object` per row, SQLite hands over one string per row and `JSON.parse`
 * builds the objects natively.
 *
 * The projection is derived from the drizzle table, once: the parsed rows have the
 * keys, order and types of `db.select().from(table)` (booleans as booleans, JSON
 * columns as values), so callers keep the table's row type. A column kind with no
 * JSON form here fails at the first query, not silently.
 * @module
 */
import { getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./database.ts";

const projections = new WeakMap<SQLiteTable, SQL>();

/** The JSON form of one column's value, as SQL. */
function jsonValue(tableName: string, column: SQLiteColumn): string {
  const ref = `"${tableName}"."${column.name}"`;
  switch (column.columnType) {
    case "SQLiteText":
    case "SQLiteInteger":
    case "SQLiteReal":
      return ref;
    case "SQLiteTextJson":
      return `json(${ref})`;
    case "SQLiteBoolean":
      return `CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} THEN json('true') ELSE json('false') END`;
    default:
      throw new Error(
        `json-rows: no JSON form for ${tableName}.${column.name} (${column.columnType})`,
      );
  }
}

/** `json_object(…)` of every column of `table`, keyed as drizzle keys them. */
export function rowJson(table: SQLiteTable): SQL {
  let projection = projections.get(table);
  if (!projection) {
    const tableName = getTableName(table);
    const pairs = Object.entries(getTableColumns(table)).map(([key, column]) =>
      `'${key}', ${jsonValue(tableName, column)}`
    );
    projection = sql.raw(`json_object(${pairs.join(", ")})`);
    projections.set(table, projection);
  }
  return projection;
}

export type RowQuery = {
  where?: SQL;
  orderBy?: SQL[];
  limit?: number;
  offset?: number;
};

/** Parses the `[json]` rows of a row query. */
function parseRows(rows: readonly (readonly unknown[])[]): unknown[] {
  let text = "[";
  for (let i = 0; i < rows.length; i++) text += (i ? "," : "") + rows[i][0];
  return JSON.parse(text + "]");
}

/** The rows of `table` matching `where`, in `orderBy` order, as `db.select().from(table)` gives them. */
export async function selectRows<T extends SQLiteTable>(
  db: Database,
  table: T,
  { where, orderBy, limit, offset }: RowQuery = {},
): Promise<T["$inferSelect"][]> {
  const query = sql`SELECT ${rowJson(table)} FROM ${table}`;
  if (where) query.append(sql` WHERE ${where}`);
  if (orderBy?.length) query.append(sql` ORDER BY ${sql.join(orderBy, sql`, `)}`);
  if (limit !== undefined || offset) query.append(sql` LIMIT ${limit ?? -1}`);
  if (offset) query.append(sql` OFFSET ${offset}`);
  return parseRows(await db.values<[string]>(query)) as T["$inferSelect"][];
}

type Prepared = { values: (args: Record<string, unknown>) => Promise<unknown[][]> };
const prepared = new WeakMap<Database, Map<string, Prepared>>();

/**
 * {@link selectRows} for a hot read whose SQL depends only on `key` (the scope
 * level, which conditions apply): `query` is built with `sql.placeholder`s once
 * per database and key, and each call only binds `args`. Building and compiling
 * the query through drizzle was a sixth of a detail request.
 */
export async function preparedRows<T extends SQLiteTable>(
  db: Database,
  table: T,
  key: string,
  query: () => RowQuery,
  args: Record<string, unknown>,
): Promise<T["$inferSelect"][]> {
  let statements = prepared.get(db);
  if (!statements) {
    statements = new Map();
    prepared.set(db, statements);
  }
  let statement = statements.get(key);
  if (!statement) {
    const { where, orderBy, limit, offset } = query();
    const builder = db.select({ json: rowJson(table) }).from(table).where(where)
      .orderBy(...(orderBy ?? [])).$dynamic();
    if (limit !== undefined || offset) builder.limit(limit ?? Number.MAX_SAFE_INTEGER);
    if (offset) builder.offset(offset);
    statement = builder.prepare();
    statements.set(key, statement);
  }
  return parseRows(await statement.values(args)) as T["$inferSelect"][];
}
