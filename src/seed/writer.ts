/**
 * How the seed writes: multi-row INSERTs whose values go through each drizzle
 * column's own encoder (so JSON and boolean columns are stored exactly as the
 * services' inserts store them), chunked to a bound on parameters, sent as one
 * atomic batch per unit of work. The SQL text is built here rather than by
 * drizzle's query builder, which costs more than SQLite itself at this volume.
 * Also the checks around a run: is the database already seeded, and `--reset`.
 * @module
 */
import type { Client, InValue } from "@libsql/client";
import { getTableName, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { runBatch } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import { rowColumns } from "../db/row-columns.ts";
import type { FileStore } from "../files/file-store.ts";
import {
  agents,
  application_stages,
  application_types,
  applications,
  audit_logs,
  branches,
  change_epochs,
  checklist_items,
  client_experiences,
  client_lpes,
  client_notes,
  client_passports,
  client_proficiencies,
  client_qualifications,
  clients,
  document_files,
  notifications,
  regions,
  reminders,
  tasks,
  tenants,
  users,
  visa_applications,
  visa_categories,
  visa_types,
} from "../db/schema/index.ts";
import type { Row } from "./context.ts";

/**
 * Bound parameters per statement. SQLite takes 32766; D1 binds at most 100, so a
 * Workers-side seed would pass 100 here.
 */
export const DEFAULT_MAX_PARAMS = 30_000;

/** Parents before children, so every foreign key finds its row. */
export const WRITE_ORDER: SQLiteTable[] = [
  tenants,
  regions,
  branches,
  users,
  agents,
  visa_categories,
  visa_types,
  application_types,
  application_stages,
  clients,
  client_passports,
  client_qualifications,
  client_proficiencies,
  client_experiences,
  client_lpes,
  client_notes,
  visa_applications,
  checklist_items,
  document_files,
  applications,
  tasks,
  reminders,
  notifications,
  audit_logs,
];

export type Statement = { sql: string; args?: InValue[] };

/** Sends statements as one atomic batch; returns each one's rows affected. */
export type BatchRunner = (statements: Statement[]) => Promise<number[]>;

/** Where the seed writes: drizzle for reads, a batch runner for the bulk writes. */
export type SeedTarget = {
  db: Database;
  run: BatchRunner;
  /**
   * Where the seeded documents' bytes go; without one only their rows are written.
   * Puts are not awaited one by one (see seed-database.ts).
   */
  files?: Pick<FileStore, "put">;
  /**
   * The database's file when it is a plain local one: a stager may write into it
   * (scaled-tables.ts).
   */
  file?: string;
};

/** The batch runner of a libSQL client (embedded or remote). */
export function libsqlRunner(client: Client): BatchRunner {
  return async (statements) =>
    statements.length === 0
      ? []
      : (await client.batch(statements, "write")).map((r) => r.rowsAffected);
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Multi-row inserts of `rows`, at most `maxParams` bound values each. */
export function insertStatements(
  table: SQLiteTable,
  rows: Row[],
  maxParams = DEFAULT_MAX_PARAMS,
): Statement[] {
  const columns = rowColumns(table);
  const head = `INSERT INTO ${quote(getTableName(table))} (${
    columns.map(([, c]) => quote(c.name)).join(", ")
  }) VALUES `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const chunk = Math.max(1, Math.floor(maxParams / columns.length));
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    const args: InValue[] = [];
    for (const row of slice) {
      for (const [key, column] of columns) {
        const value = row[key];
        args.push(
          value === undefined || value === null ? null : column.mapToDriverValue(value) as InValue,
        );
      }
    }
    statements.push({ sql: head + Array(slice.length).fill(tuple).join(", "), args });
  }
  return statements;
}

/** Writes every table's rows in foreign-key order as one atomic batch. */
export async function writeRows(
  run: BatchRunner,
  tables: Map<SQLiteTable, Row[]>,
  maxParams = DEFAULT_MAX_PARAMS,
): Promise<void> {
  const unknown = [...tables.keys()].filter((t) => !WRITE_ORDER.includes(t));
  if (unknown.length) throw new Error(`No write order for ${unknown.map(getTableName)}`);
  await run(
    WRITE_ORDER.flatMap((table) => insertStatements(table, tables.get(table) ?? [], maxParams)),
  );
}

/**
 * Not data but its change counters (change-epochs.ts): a wipe moves them rather
 * than deleting them, so no cache can meet a counter it saw before the wipe.
 */
const EPOCHS = getTableName(change_epochs);

/**
 * The application's tables (not SQLite's, the migrator's or the change
 * counters), in creation order.
 */
export async function dataTables(db: Database): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name <> ${EPOCHS} ORDER BY rowid`,
  );
  return rows.map((r) => r.name);
}

/** What a database already holds: tenants and users. Any of either means "seeded". */
export async function existingData(db: Database): Promise<{ tenants: number; users: number }> {
  const row = await db.get<{ tenants: number; users: number }>(
    sql`SELECT (SELECT count(*) FROM ${tenants}) AS tenants, (SELECT count(*) FROM ${users}) AS users`,
  );
  return { tenants: Number(row.tenants), users: Number(row.users) };
}

/**
 * Deletes every row of every application table; the schema and the migrations
 * journal stay. Foreign keys are off meanwhile (a pragma outside the batch: inside
 * a transaction it does nothing): with them on, SQLite checks every deleted
 * parent against its children one row at a time, by full scan where a child
 * column has no index of its own, which takes hours on a million clients. Off,
 * each DELETE without WHERE is a truncate, unless the table has triggers: the
 * triggers are dropped and made again in the same batch (client_counts' delete
 * trigger, once per row, made a wipe at a million clients 34.6 s instead of
 * 2.1 s), and the table they keep is emptied with the rest. Nothing references
 * anything once every table is empty, so the keys hold when they come back on.
 * Every change counter moves, as the triggers would have moved them, an agency's
 * written first when it never moved (a bulk load of its clients moves it once).
 */
export async function wipeDatabase(db: Database): Promise<void> {
  const tables = await dataTables(db);
  const triggers = await db.all<{ name: string; sql: string }>(
    sql`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid`,
  );
  await db.run(sql`PRAGMA foreign_keys = OFF`);
  try {
    await runBatch(db, [
      ...triggers.map((trigger) => db.run(sql`DROP TRIGGER ${sql.identifier(trigger.name)}`)),
      db.run(
        sql`INSERT INTO ${change_epochs} (name, n) SELECT 'clients ' || id, 0 FROM ${tenants} WHERE true ON CONFLICT DO NOTHING`,
      ),
      ...tables.map((name) => db.run(sql`DELETE FROM ${sql.identifier(name)}`)),
      db.update(change_epochs).set({ n: sql`${change_epochs.n} + 1` }),
      ...triggers.map((trigger) => db.run(sql.raw(trigger.sql))),
    ]);
  } finally {
    await db.run(sql`PRAGMA foreign_keys = ON`);
  }
}
