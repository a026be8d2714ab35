/**
 * The one way a request writes: a single atomic batch (SPEC §1 write rule).
 *
 * libSQL over HTTP has no interactive transactions, and every round trip from a far
 * region costs tens of milliseconds, so a request reads what it needs first, then
 * sends all its writes at once. Rules that must still hold at write time travel in
 * the batch as guards: `SELECT CASE WHEN condition THEN 1 ELSE json_extract('{}',
 * 'guard:N') END`. When the condition fails, the invalid JSON path raises an error
 * that names the guard (SQLite's RAISE() takes no expression before 3.48, and
 * only inside triggers); the whole batch rolls back, and the guard's own ApiError
 * reaches the caller. Plain SQL functions, so it works on libSQL and D1 alike.
 * @module
 */
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { ApiError } from "../lib/errors.ts";
import type { Database } from "./database.ts";
import { noteWrite } from "./count-cache.ts";

/**
 * How many ids one `IN (…)` list may carry: D1 binds at most 100 parameters per
 * statement (SPEC §7), with room for the query's own.
 */
export const IDS_PER_STATEMENT = 90;

/** A write-time rule: the batch aborts with `error` unless `holds` is true. */
export type Guard = { kind: "guard"; holds: SQL; error: ApiError };

export type BatchStep = BatchItem<"sqlite"> | Guard;

/** Declares a guard for {@link runBatch}. */
export function guard(holds: SQL, error: ApiError): Guard {
  return { kind: "guard", holds, error };
}

/**
 * A guard that the row read before the batch is still there when it lands, so an
 * edit racing a delete answers `error` (a 404) instead of auditing a change that
 * touched nothing.
 */
export function rowExists(
  table: SQLiteTable & { id: SQLiteColumn },
  id: string,
  error: ApiError,
  condition?: SQL,
): Guard {
  const where = condition ? sql`${table.id} = ${id} AND ${condition}` : sql`${table.id} = ${id}`;
  return guard(sql`EXISTS (SELECT 1 FROM ${table} WHERE ${where})`, error);
}

/** Maps a unique-index name to the conflict it means for the caller. */
export type UniqueConflicts = Record<string, ApiError>;

function isGuard(step: BatchStep): step is Guard {
  return (step as Guard).kind === "guard";
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.join(" | ");
}

/**
 * Sends the steps as one atomic batch. Guard failures and unique-index conflicts
 * become ApiErrors; any other failure propagates (and is a 500).
 */
export async function runBatch(
  db: Database,
  steps: BatchStep[],
  conflicts: UniqueConflicts = {},
): Promise<void> {
  const guards: Guard[] = [];
  const items = steps.map((step) => {
    if (!isGuard(step)) return step;
    guards.push(step);
    const code = `guard:${guards.length - 1}`;
    // A query builder, not db.run(sql): drizzle's D1 batch cannot bind a raw statement's params.
    return db.select({
      ok: sql`CASE WHEN ${step.holds} THEN 1 ELSE json_extract('{}', ${code}) END`,
    }).from(sql`(SELECT 1)`);
  });
  if (items.length === 0) return;
  try {
    await db.batch(items as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    noteWrite(db);
  } catch (error) {
    const text = errorText(error);
    const failedGuard = /guard:(\d+)/.exec(text);
    if (failedGuard) throw guards[Number(failedGuard[1])].error;
    if (text.includes("UNIQUE constraint failed")) {
      for (const [column, conflict] of Object.entries(conflicts)) {
        if (text.includes(column)) throw conflict;
      }
      throw new ApiError(409, "conflict", "The request conflicts with an existing record.");
    }
    // A record the write refers to was removed between the request's reads and its
    // batch (services guard the usual cases; this is the net under the rest).
    if (text.includes("FOREIGN KEY constraint failed")) {
      throw new ApiError(
        409,
        "conflict",
        "A record this change refers to was removed meanwhile; reload and retry.",
      );
    }
    throw error;
  }
}
