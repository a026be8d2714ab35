/**
 * `search=` support: a case-insensitive substring match on several columns, with
 * LIKE wildcards in the term escaped so `%` and `_` match themselves.
 * @module
 */
import { or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** Matches rows where any column contains `term`; undefined when there is no term. */
export function matchesSearch(term: string | undefined, columns: SQLiteColumn[]): SQL | undefined {
  const trimmed = term?.trim();
  if (!trimmed) return undefined;
  const pattern = `%${trimmed.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return or(...columns.map((column) => sql`${column} LIKE ${pattern} ESCAPE '\\'`));
}
