/**
 * `search=` support: a case-insensitive substring match on several columns, with
 * LIKE wildcards in the term escaped so `%` and `_` match themselves.
 * @module
 */
import { or, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** The term searched for: `search=` trimmed; undefined when there is none. */
export function searchTerm(search: string | undefined): string | undefined {
  return search?.trim() || undefined;
}

/** The LIKE pattern of a search term; undefined when there is no term. */
export function searchPattern(term: string | undefined): string | undefined {
  const trimmed = searchTerm(term);
  if (trimmed === undefined) return undefined;
  return `%${trimmed.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Rows where any column matches `pattern` (a {@link searchPattern}, or a placeholder bound to one). */
export function matchesPattern(pattern: string | Placeholder, columns: SQLiteColumn[]): SQL {
  return or(...columns.map((column) => sql`${column} LIKE ${pattern} ESCAPE '\\'`))!;
}

/** Matches rows where any column contains `term`; undefined when there is no term. */
export function matchesSearch(term: string | undefined, columns: SQLiteColumn[]): SQL | undefined {
  const pattern = searchPattern(term);
  return pattern === undefined ? undefined : matchesPattern(pattern, columns);
}
