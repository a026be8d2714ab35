/**
 * A canonical dump of a database's data and its SHA-256, to prove that the same
 * seed makes the same data. Every application table, rows in primary-key order,
 * columns in schema order. Password hashes are normalised: scrypt salts are
 * random by design (the seed uses the app's hasher unchanged), so the dump
 * records that a hash is there, not its bytes.
 * @module
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { dataTables } from "./writer.ts";

const NORMALISED: Record<string, Record<string, string>> = {
  users: { password_hash: "<scrypt hash>" },
};

/** The dump as text: one JSON line per row, tables by name. */
export async function canonicalDump(db: Database): Promise<string> {
  const lines: string[] = [];
  for (const table of (await dataTables(db)).sort()) {
    const info = await db.all<{ name: string; pk: number }>(
      sql`SELECT name, pk FROM pragma_table_info(${table})`,
    );
    const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const order = (key.length ? key : info.map((c) => c.name)).map((c) => sql.identifier(c));
    const rows = await db.all<Record<string, unknown>>(
      sql`SELECT * FROM ${sql.identifier(table)} ORDER BY ${sql.join(order, sql`, `)}`,
    );
    lines.push(`# ${table} ${rows.length}`);
    for (const row of rows) {
      lines.push(JSON.stringify({ ...row, ...NORMALISED[table] }));
    }
  }
  return lines.join("\n");
}

/** SHA-256 (hex) of the canonical dump. */
export async function dumpHash(db: Database): Promise<string> {
  const bytes = new TextEncoder().encode(await canonicalDump(db));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
