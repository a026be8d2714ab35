/**
 * The primary's side of Deno regions: every write that reaches the database is
 * logged, in its own batch, as the SQL and arguments it ran (statement-based
 * replication, sound because the primary is the one writer: SPEC §1 writes go
 * in one batch, values such as ids and timestamps are computed in the app, and
 * no statement calls random() or the SQL clock). A far region replays the log
 * in order; an entry's `position` is the bookmark a client sends back to read
 * its own write there.
 *
 * Hooked at the libSQL client, under drizzle, so no write can bypass it: a
 * single write statement becomes a batch of itself and its log entry, and a
 * batch gains the entry as its last statement. Migrations are not logged:
 * every region runs the same migrations on its own file at start.
 * @module
 */
import type { Client, InArgs, InStatement, InValue, ResultSet } from "@libsql/client";
import { withCalls } from "../db/client-calls.ts";

/** One logged statement: arguments are positional, dates as ISO text, booleans as 0/1. */
export type LoggedStatement = { sql: string; args: (string | number | null)[] };
export type LogEntry = { position: number; at: string; statements: LoggedStatement[] };

/** Reads, after any leading comments or parentheses; a WITH is a read unless it writes. */
const READ = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*(?:select|pragma|explain|values)\b/i;
const WITH_READ = /^\s*with\b(?![\s\S]*\b(?:insert|update|delete|replace)\b)/i;

function plainValue(value: InValue): string | number | null {
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  // No table stores blobs; a blob would need an encoding the replica knows.
  throw new Error("The replication log cannot carry binary values.");
}

type AnyStatement = InStatement | string | [string, InArgs?];

function parts(stmt: AnyStatement, args?: InArgs): { sql: string; given?: InArgs } {
  if (typeof stmt === "string") return { sql: stmt, given: args };
  if (Array.isArray(stmt)) return { sql: stmt[0], given: stmt[1] };
  return { sql: stmt.sql, given: stmt.args };
}

const isRead = (stmt: AnyStatement) => {
  const { sql } = parts(stmt);
  return READ.test(sql) || WITH_READ.test(sql);
};

function logged(stmt: AnyStatement, args?: InArgs): LoggedStatement {
  const { sql, given } = parts(stmt, args);
  if (given !== undefined && !Array.isArray(given)) {
    throw new Error("The replication log takes positional arguments only.");
  }
  return { sql, args: (given ?? []).map(plainValue) };
}

function logInsert(statements: LoggedStatement[]): InStatement {
  return {
    sql: "INSERT INTO replication_log (at, statements) VALUES (?, ?)",
    args: [new Date().toISOString(), JSON.stringify(statements)],
  };
}

/** The newest position in a database's log (0 when it has none). */
export async function logPosition(client: Client): Promise<number> {
  const result = await client.execute("SELECT max(position) AS p FROM replication_log");
  return Number(result.rows[0]?.[0] ?? 0);
}

/**
 * The file's identity, kept in SQLite's header (`PRAGMA application_id`), so a
 * copy carries it: a far region checks that its file is a copy of this primary.
 * The primary picks one the first time it serves (`assign`).
 */
export async function databaseId(client: Client, assign: boolean): Promise<number> {
  const read = async () => Number((await client.execute("PRAGMA application_id")).rows[0][0]);
  const id = await read();
  if (id !== 0 || !assign) return id;
  const chosen = 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % 0x7ffffffe);
  await client.execute(`PRAGMA application_id = ${chosen}`);
  return await read();
}

/** The oldest position still in the log, or null when it is empty. */
export async function oldestPosition(client: Client): Promise<number | null> {
  const result = await client.execute("SELECT min(position) AS p FROM replication_log");
  const value = result.rows[0]?.[0];
  return value === null || value === undefined ? null : Number(value);
}

/** Entries after `after`, oldest first. */
export async function readLog(client: Client, after: number, limit: number): Promise<LogEntry[]> {
  const result = await client.execute({
    sql: "SELECT position, at, statements FROM replication_log WHERE position > ? " +
      "ORDER BY position LIMIT ?",
    args: [after, limit],
  });
  return result.rows.map((row) => ({
    position: Number(row[0]),
    at: String(row[1]),
    statements: JSON.parse(String(row[2])) as LoggedStatement[],
  }));
}

/** Wraps the primary's client so every committed write carries its log entry. */
export function withReplicationLog(client: Client): Client {
  const execute = async (stmt: InStatement | string, args?: InArgs): Promise<ResultSet> => {
    if (isRead(stmt)) {
      return typeof stmt === "string" ? client.execute(stmt, args) : client.execute(stmt);
    }
    const statement = logged(stmt, args);
    const [result] = await client.batch([statement, logInsert([statement])], "write");
    return result;
  };
  const batch: Client["batch"] = async (stmts, mode) => {
    const writes = stmts.filter((s) => !isRead(s)).map((s) => logged(s));
    if (writes.length === 0) return await client.batch(stmts, mode);
    const results = await client.batch([...stmts, logInsert(writes)], mode);
    return results.slice(0, stmts.length);
  };
  return withCalls(client, { execute, batch });
}

/** Applies entries to a replica in one atomic batch, each with its own log row. */
export async function applyLog(client: Client, entries: LogEntry[]): Promise<void> {
  const statements: InStatement[] = [];
  for (const entry of entries) {
    statements.push(...entry.statements);
    statements.push({
      sql: "INSERT INTO replication_log (position, at, statements) VALUES (?, ?, ?)",
      args: [entry.position, entry.at, JSON.stringify(entry.statements)],
    });
  }
  if (statements.length > 0) await client.batch(statements, "write");
}

/**
 * A far region's handle for the app: reads only. Every write goes to the primary
 * (regional-gateway.ts); one made here would exist in this region alone.
 */
export function refuseWrites(client: Client): Client {
  const refuse = () => Promise.reject(new Error("This region's replica is read-only."));
  const execute = (stmt: InStatement | string, args?: InArgs): Promise<ResultSet> => {
    if (!isRead(stmt)) return refuse();
    return typeof stmt === "string" ? client.execute(stmt, args) : client.execute(stmt);
  };
  const batch: Client["batch"] = (stmts, mode) =>
    stmts.every(isRead) ? client.batch(stmts, mode ?? "read") : refuse();
  return withCalls(client, { execute, batch });
}
