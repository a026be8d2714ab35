/**
 * Whole rows read as SQLite's own JSON. Through `@libsql/client` and drizzle a row
 * costs one native string per value and two mapping passes in JavaScript: a page
 * of 25 clients (26 columns) was a third of a list request's time. Asked for one
 * `json_object` per row, SQLite hands over one string per row and `JSON.parse`
 * builds the objects natively.
 *
 * The projection is derived from the drizzle table, once: the parsed rows have the
 * keys, order and types of `db.select().from(table)` (booleans as booleans, JSON
 * columns as values) less its generated columns (row-columns.ts), so callers keep
 * the table's row type. A column kind with no JSON form here fails at the first
 * query, not silently.
 * @module
 */
import {
  and,
  eq,
  getTableColumns,
  getTableName,
  type Placeholder,
  type SQL,
  sql,
} from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { rowJsonSql, type RowOf, STORED_ROW_JSON } from "./row-columns.ts";

const projections = new WeakMap<SQLiteTable, SQL>();

/**
 * `json_object(…)` of every column of `table`, keyed as drizzle keys them; for a
 * table that stores that JSON in a generated `row_json` column (clients), that
 * column, which SQLite keeps with every write: a page of 25 clients then reads 25
 * texts instead of building 650 values (81 → 19 µs in SQLite).
 */
export function rowJson(table: SQLiteTable): SQL {
  let projection = projections.get(table);
  if (!projection) {
    const stored = getTableColumns(table)[STORED_ROW_JSON];
    projection = sql.raw(
      stored?.generated?.mode === "stored"
        ? `"${getTableName(table)}"."${stored.name}"`
        : rowJsonSql(table, true),
    );
    projections.set(table, projection);
  }
  return projection;
}

/** What to read; any value may be a `sql.placeholder` bound by the call's `args`. */
export type RowQuery = {
  /**
   * Only the rows whose `id` is in this JSON array, looked up one by one: the
   * array is the outer loop (a CROSS JOIN keeps it there), or SQLite may walk a
   * longer index that `where` names more columns of and test each id.
   */
  ids?: Placeholder;
  where?: SQL;
  orderBy?: SQL[];
  limit?: number | Placeholder;
  offset?: number | Placeholder;
};

declare const rowType: unique symbol;

/**
 * The JSON text of one `T` as SQLite wrote it: a list answers it as is (parsing
 * 25 rows and serialising them again was a sixth of a list request); a value is
 * parsed only where one is needed ({@link parseRow}).
 */
export type RowText<T> = string & { readonly [rowType]?: T };

declare const rowsType: unique symbol;

/** {@link RowText}s joined by commas: the inside of a JSON array of `T`. */
export type RowsText<T> = string & { readonly [rowsType]?: T };

/** Joins row texts into one {@link RowsText}. */
export function joinRows<T>(texts: readonly RowText<T>[]): RowsText<T> {
  return texts.join(",");
}

/** The row a {@link RowText} holds. */
export function parseRow<T>(text: RowText<T>): T {
  return JSON.parse(text);
}

function textsOf<T>(rows: readonly (readonly unknown[])[]): RowText<T>[] {
  return rows.map((row) => row[0] as RowText<T>);
}

/** Parses many row texts at once (one JSON.parse). */
function parseAll<T>(texts: readonly RowText<T>[]): T[] {
  return JSON.parse(`[${texts.join(",")}]`);
}

function rowsQuery(
  db: Database,
  table: SQLiteTable,
  { ids, where, orderBy, limit, offset }: RowQuery,
) {
  const json = { json: rowJson(table).as("json") };
  const builder =
    (ids
      ? db.select(json).from(sql`json_each(${ids}) AS picked`).crossJoin(table).where(
        and(eq(getTableColumns(table).id, sql`picked.value`), where),
      )
      : db.select(json).from(table).where(where))
      .orderBy(...(orderBy ?? [])).$dynamic();
  // SQLite takes no OFFSET without a LIMIT.
  if (limit !== undefined || offset !== undefined) builder.limit(limit ?? Number.MAX_SAFE_INTEGER);
  if (offset !== undefined) builder.offset(offset);
  return builder;
}

/**
 * The rows of `table` matching `where`, in `orderBy` order, as the JSON of what
 * `db.select().from(table)` gives; `args` fills the query's placeholders.
 */
export async function selectRowTexts<T extends SQLiteTable>(
  db: Database,
  table: T,
  query: RowQuery = {},
  args: Record<string, unknown> = {},
): Promise<RowText<RowOf<T>>[]> {
  return textsOf(await rowsQuery(db, table, query).values(args));
}

/** {@link selectRowTexts}, parsed: the rows as `db.select().from(table)` gives them. */
export async function selectRows<T extends SQLiteTable>(
  db: Database,
  table: T,
  query: RowQuery = {},
  args: Record<string, unknown> = {},
): Promise<RowOf<T>[]> {
  return parseAll(await selectRowTexts(db, table, query, args));
}

type Prepared = { values: (args: Record<string, unknown>) => Promise<unknown[][]> };
const preparedFor = preparedPerDatabase<Prepared>(1000);

/**
 * {@link selectRowTexts} for a hot read whose SQL depends only on `key` (the scope
 * level, which filters apply, the order): `query` is built with placeholders
 * once per database and key, and each call only binds `args`. Building and
 * compiling the query through drizzle was a sixth of a detail request.
 */
export async function preparedRowTexts<T extends SQLiteTable>(
  db: Database,
  table: T,
  key: string,
  query: () => RowQuery,
  args: Record<string, unknown>,
): Promise<RowText<RowOf<T>>[]> {
  const statement = preparedFor(db, key, () => rowsQuery(db, table, query()).prepare());
  return textsOf(await statement.values(args));
}

/** A page's rows joined ({@link RowsText}), and how many they are. */
export type JoinedRows<T> = { text: RowsText<T>; rows: number };

/**
 * {@link preparedRowTexts} joined by SQLite itself, for a page answered as it is:
 * one string crosses into JavaScript instead of one per row (a page of 25 clients
 * read in 71 instead of 114 µs), with the number of rows beside it (a short page
 * tells its list's count). An aggregate takes the rows of a subquery with
 * ORDER BY and LIMIT in that order: SQLite cannot flatten such a subquery into an
 * aggregate and runs it as a coroutine. `group_concat(… ORDER BY …)` would say so
 * outright but sorts the texts again (103 µs); json-rows.test.ts checks the order.
 */
export async function preparedRowsText<T extends SQLiteTable>(
  db: Database,
  table: T,
  key: string,
  query: () => RowQuery,
  args: Record<string, unknown>,
): Promise<JoinedRows<RowOf<T>>> {
  const statement = preparedFor(db, `${key} joined`, () => {
    const rows = rowsQuery(db, table, query()).as("rows");
    // One row, and LIMIT 1 says so: embedded-reads.ts reads it with libSQL's get,
    // which hands over the page in 71 µs where all takes 100.
    return db.select({
      joined: sql<string | null>`group_concat(${rows.json}, ',')`,
      rows: sql<number>`count(*)`,
    }).from(rows).limit(1).prepare();
  });
  // Rows index like arrays but need not iterate (embedded-reads.ts).
  const row = (await statement.values(args))[0];
  return { text: (row[0] as string | null) ?? "", rows: Number(row[1]) };
}
