import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openLibsql } from "./libsql.ts";
import { migrateDatabase } from "./migrate.ts";
import {
  appliedMigrationIndex,
  EXPECTED_MIGRATION,
  MIGRATIONS,
  schemaProblem,
} from "./schema-version.ts";

Deno.test("a fully migrated libSQL database is current", async () => {
  const { client, db } = await openLibsql({ url: ":memory:" });
  await migrateDatabase(db);
  assert.equal(await appliedMigrationIndex(db, "drizzle"), MIGRATIONS.length - 1);
  assert.equal(await schemaProblem(db, "drizzle"), null);
  client.close();
});

Deno.test("a libSQL database missing the newest migration is refused, naming both", async () => {
  const { client, db } = await openLibsql({ url: ":memory:" });
  await migrateDatabase(db);
  await db.run(sql`DELETE FROM __drizzle_migrations WHERE created_at = ${EXPECTED_MIGRATION.when}`);
  const problem = await schemaProblem(db, "drizzle");
  assert.match(problem ?? "", new RegExp(`it has migration ${MIGRATIONS.at(-2)!.tag}`));
  assert.match(problem ?? "", new RegExp(`needs ${EXPECTED_MIGRATION.tag}`));
  assert.match(problem ?? "", /deno task migrate/);
  client.close();
});

Deno.test("a database never migrated is refused, not failed", async () => {
  const { client, db } = await openLibsql({ url: ":memory:" });
  assert.equal(await appliedMigrationIndex(db, "drizzle"), -1);
  assert.match(await schemaProblem(db, "d1") ?? "", /it has no migration.*wrangler d1 migrations/);
  client.close();
});

Deno.test("D1's ledger is read by file name; a newer migration than the build's passes", async () => {
  const { client, db } = await openLibsql({ url: ":memory:" });
  await db.run(
    sql`CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)`,
  );
  for (const m of MIGRATIONS.slice(0, -1)) {
    await db.run(sql`INSERT INTO d1_migrations (name) VALUES (${`${m.tag}.sql`})`);
  }
  assert.equal(await appliedMigrationIndex(db, "d1"), MIGRATIONS.length - 2);
  assert.notEqual(await schemaProblem(db, "d1"), null);
  await db.run(sql`INSERT INTO d1_migrations (name) VALUES (${`${EXPECTED_MIGRATION.tag}.sql`})`);
  assert.equal(await schemaProblem(db, "d1"), null);
  await db.run(sql`INSERT INTO d1_migrations (name) VALUES ('9999_from_a_newer_build.sql')`);
  assert.equal(await schemaProblem(db, "d1"), null);
  client.close();
});
