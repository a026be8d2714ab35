/**
 * The columns a row carries. A generated column (clients.search_text) is the
 * database's own key for an index: SQLite computes it, nothing writes it, and no
 * answer or audit entry shows it.
 * @module
 */
import { getTableColumns } from "drizzle-orm";
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
