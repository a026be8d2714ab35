/**
 * The columns a row carries, and the row as SQLite's JSON. A generated column
 * (clients.search_text, clients.row_json) is the database's own: SQLite computes
 * it, nothing writes it, and no answer or audit entry shows it.
 * @module
 */
import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

type Columns<T extends SQLiteTable> = T["_"]["columns"];
/** Keys of columns known to be generated (a column typed only as SQLiteColumn may not be). */
type GeneratedKeys<T extends SQLiteTable> = {
  [K in keyof Columns<T>]: undefined extends Columns<T>[K]["_"]["generated"] ? never : K;
}[keyof Columns<T>];

/** A row of `table` as it is read and answered: its columns but the generated ones. */
export type RowOf<T extends SQLiteTable> = [GeneratedKeys<T>] extends [never] ? T["$inferSelect"]
  : Omit<T["$inferSelect"], GeneratedKeys<T>>;

/** `table`'s columns by key, but the generated ones, in the table's order. */
export function rowColumns(table: SQLiteTable): [string, SQLiteColumn][] {
  return Object.entries(getTableColumns(table)).filter(([, column]) => !column.generated);
}

/** The key of a stored generated column that holds {@link rowJsonSql} (json-rows.ts reads it). */
export const STORED_ROW_JSON = "row_json";

/** The JSON form of one column's value, as SQL. */
function jsonValue(ref: string, tableName: string, column: SQLiteColumn): string {
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
        `row-columns: no JSON form for ${tableName}.${column.name} (${column.columnType})`,
      );
  }
}

/**
 * `json_object(…)` of the row's columns ({@link rowColumns}), keyed as drizzle keys
 * them: the JSON of what `db.select().from(table)` gives. `qualified` names each
 * column with its table, as a query must; a generated column's own expression
 * names them bare.
 */
export function rowJsonSql(table: SQLiteTable, qualified: boolean): string {
  const tableName = getTableName(table);
  const pairs = rowColumns(table).map(([key, column]) => {
    const ref = qualified ? `"${tableName}"."${column.name}"` : `"${column.name}"`;
    return `'${key}', ${jsonValue(ref, tableName, column)}`;
  });
  return `json_object(${pairs.join(", ")})`;
}
