/**
 * Applies the generated SQL migrations in `migrations/`. Only entry points and
 * the migrate task call this; a serving instance migrates only a local file.
 * @module
 */
import { migrate } from "drizzle-orm/libsql/migrator";
import type { LibsqlDatabase } from "./libsql.ts";

export const MIGRATIONS_FOLDER = new URL("../../migrations", import.meta.url).pathname;

/**
 * Runs every pending migration. Each runs in one transaction, where SQLite ignores
 * `PRAGMA foreign_keys`: a migration that rebuilds a referenced table must start
 * with `PRAGMA defer_foreign_keys = ON` (works on libSQL and D1 alike) and copy the
 * rows out, drop the table, make it again and copy them back, as 0017 does; the
 * drop-then-rename order drizzle-kit writes leaves the child rows counted as
 * orphans, and the commit fails.
 */
export async function migrateDatabase(db: LibsqlDatabase): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
