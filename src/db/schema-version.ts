/**
 * Which migration a database has reached, and whether that is the one this build
 * expects. Shared databases are migrated by a task, never by a serving instance
 * (SPEC §7), so an instance deployed before its migration ran must refuse to serve
 * rather than fail on a missing column halfway through a request.
 *
 * The expected migration is the newest entry of drizzle's journal, bundled into the
 * build. What a database has applied is read from its migrator's own bookkeeping:
 * drizzle's `__drizzle_migrations` on libSQL (one row per migration, `created_at` =
 * the journal entry's `when`), wrangler's `d1_migrations` on D1 (`name` = the file).
 * @module
 */
import { sql } from "drizzle-orm";
import journal from "../../migrations/meta/_journal.json" with { type: "json" };
import type { Database } from "./database.ts";

/** One generated migration, as drizzle-kit's journal lists it. */
export type JournalEntry = { idx: number; tag: string; when: number };

/** Every migration of this build, oldest first. */
export const MIGRATIONS: readonly JournalEntry[] = journal.entries;

/** The migration this build needs the database to have reached. */
export const EXPECTED_MIGRATION: JournalEntry = MIGRATIONS[MIGRATIONS.length - 1];

/** Which bookkeeping a database's migrations were applied with. */
export type MigrationLedger = "drizzle" | "d1";

async function newestRow<T>(db: Database, query: ReturnType<typeof sql>): Promise<T | null> {
  try {
    const rows = await db.all<T>(query);
    return rows[0] ?? null;
  } catch (error) {
    // A database never migrated has no ledger table at all.
    const text = `${error} ${error instanceof Error ? error.cause : ""}`;
    if (/no such table/i.test(text)) return null;
    throw error;
  }
}

/**
 * The index (in {@link MIGRATIONS}) of the newest migration the database has
 * applied: -1 for none, past the end for migrations newer than this build.
 */
export async function appliedMigrationIndex(
  db: Database,
  ledger: MigrationLedger,
): Promise<number> {
  if (ledger === "d1") {
    const row = await newestRow<{ name: string }>(
      db,
      sql`SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1`,
    );
    if (!row) return -1;
    const tag = row.name.replace(/\.sql$/, "");
    const known = MIGRATIONS.findIndex((m) => m.tag === tag);
    return known >= 0 ? known : Number.parseInt(tag, 10);
  }
  const row = await newestRow<{ created_at: number | string }>(
    db,
    sql`SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
  );
  if (!row) return -1;
  const when = Number(row.created_at);
  return MIGRATIONS.filter((m) => m.when <= when).length - 1 +
    (when > EXPECTED_MIGRATION.when ? 1 : 0);
}

/** Null when the database is current (or newer); otherwise what is wrong and how to fix it. */
export async function schemaProblem(db: Database, ledger: MigrationLedger): Promise<string | null> {
  const applied = await appliedMigrationIndex(db, ledger);
  if (applied >= MIGRATIONS.length - 1) return null;
  const at = applied < 0 ? "no migration" : `migration ${MIGRATIONS[applied]?.tag ?? applied}`;
  const how = ledger === "d1"
    ? "`deno task edge:migrations` then `wrangler d1 migrations apply DB`"
    : "`deno task migrate` with DATABASE_URL and DATABASE_AUTH_TOKEN";
  return `The database schema is older than this build expects: it has ${at}, ` +
    `this build needs ${EXPECTED_MIGRATION.tag}. Apply the migrations (${how}) and retry.`;
}
