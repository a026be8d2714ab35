/**
 * Fast reads for the Deno server's embedded file. `@libsql/client` turns every
 * value of every row into a property with `Object.defineProperty` (20% of a
 * country_manager's list request in the profile) and prepares each statement
 * anew; a 25-client page costs 0.69 ms that way against 0.09 ms in SQLite itself.
 * This opens a second libSQL connection on the same file (WAL: it sees every
 * committed write at once) and answers the client's plain reads from cached
 * prepared statements in raw (array) mode, with the row shape drizzle reads; its
 * write batches run there too, each in one transaction. Everything else (a write
 * sent alone, transactions, migrations, values only the client converts) stays
 * with the original client; what may write is counted as a possible commit
 * (local-commits.ts) once it settles.
 * @module
 */
import type { Client, InArgs, InStatement, ResultSet, Row, TransactionMode } from "@libsql/client";
// @ts-types="./libsql-native.d.ts"
import Libsql, { type Statement } from "libsql";
import { Lru } from "../lib/lru.ts";
import { withCalls } from "./client-calls.ts";
import { localCommits, noteLocalCommit } from "./local-commits.ts";

const MAX_STATEMENTS = 500;
const VALUES = Symbol("values");
const SELECT = /^\s*select\b/i;

/** `single`: the SQL ends in `LIMIT ?`, so bound to 1 it reads at most one row. */
type Prepared = { stmt: Statement; columns: string[]; proto: object; single: boolean };
const LIMIT_LAST = /\blimit \?\s*$/i;

/**
 * How often `PRAGMA data_version` is read by default (the `CHANGE_POLL_MS`
 * setting): the only way to see another process's commit. Reading it on every
 * request was 13 µs of a list and 20 of a detail; this process's own commits
 * need no read (local-commits.ts).
 */
export const CHANGE_POLL_MS = 2;

/** `settling`, counted as a possible commit of this process once it settles. */
function counted<R>(settling: Promise<R>): Promise<R> {
  return settling.finally(noteLocalCommit);
}

/**
 * A row as drizzle's libSQL session reads it: by index (query builders, through
 * `Array.prototype.slice.call`) and by enumerable column name (raw `db.all`).
 * The index getters live on one prototype per statement, so a row is built with
 * plain assignments instead of a defineProperty per value.
 */
function rowPrototype(width: number): object {
  const proto: Record<string | symbol, unknown> = {};
  Object.defineProperty(proto, "length", { value: width });
  for (let i = 0; i < width; i++) {
    Object.defineProperty(proto, i, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    });
  }
  return proto;
}

function plainArgs(args: InArgs | undefined): unknown[] | null {
  if (args === undefined) return [];
  if (!Array.isArray(args)) return null;
  const out: unknown[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const value = args[i];
    if (typeof value === "string" || value === null) out[i] = value;
    else if (typeof value === "number" && Number.isFinite(value)) out[i] = value;
    else if (typeof value === "boolean") out[i] = value ? 1 : 0;
    else return null; // bigint, blobs, dates: the original client's conversions apply
  }
  return out;
}

/**
 * Wraps `client` (an embedded file at `path`) so its plain reads take the fast
 * path. `changeVersion` (see change-version.ts) moves at once with a commit of
 * any thread of this process, and within CHANGE_POLL_MS with one of another
 * process, through the reading connection's `PRAGMA data_version` (which moves
 * with every commit of any other connection).
 */
export function withEmbeddedReads(
  client: Client,
  path: string,
  { pollMs = CHANGE_POLL_MS }: { pollMs?: number } = {},
): { client: Client; changeVersion: () => number } {
  // SQLite's default page cache (2 MiB) and no memory map: with the writer's 1 GiB
  // map on this connection too, idle RSS went from 193 to 1,034 MiB for no
  // measurable gain (1,690 → 1,703 req/s on a list).
  const reader = new Libsql(path, { timeout: 5000 });
  // It writes the batches too (below): the settings a write needs, on this connection.
  reader.exec("PRAGMA foreign_keys = ON");
  reader.exec("PRAGMA synchronous = NORMAL");
  const dataVersion = reader.prepare("PRAGMA data_version").raw(true);
  let epoch = 0;
  let seenData = NaN;
  let seenLocal = NaN;
  let polledAt = -Infinity;
  const changeVersion = () => {
    const now = performance.now();
    const local = localCommits();
    if (local !== seenLocal || now - polledAt >= pollMs) {
      polledAt = now;
      const data = (dataVersion.get() as number[])[0];
      if (data !== seenData || local !== seenLocal) epoch++;
      seenData = data;
      seenLocal = local;
    }
    return epoch;
  };
  const statements = new Lru<string, Prepared | null>(MAX_STATEMENTS);

  const prepared = (sql: string): Prepared | null => {
    let entry = statements.get(sql);
    if (entry !== undefined) return entry;
    const stmt = reader.prepare(sql);
    if (stmt.reader) {
      stmt.raw(true);
      const columns = stmt.columns().map((column) => column.name);
      entry = {
        stmt,
        columns,
        proto: rowPrototype(columns.length),
        single: LIMIT_LAST.test(sql),
      };
    } else {
      entry = null; // a write: the original client runs it
    }
    statements.set(sql, entry);
    return entry;
  };

  const read = (entry: Prepared, args: unknown[]): ResultSet => {
    // One row is read with get: libSQL's all makes two native calls and a
    // 100-slot buffer for it (12.6 against 6.2 µs for a lookup by id).
    let raw: unknown[][];
    if (entry.single && args[args.length - 1] === 1) {
      const row = entry.stmt.get(args) as unknown[] | undefined;
      raw = row === undefined ? [] : [row];
    } else raw = entry.stmt.all(args) as unknown[][];
    const { columns, proto } = entry;
    const rows = new Array<Row>(raw.length);
    for (let r = 0; r < raw.length; r++) {
      const values = raw[r];
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value instanceof Uint8Array) {
          values[i] = value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
        }
      }
      const row = Object.create(proto) as Record<string | symbol, unknown>;
      row[VALUES] = values;
      for (let i = 0; i < columns.length; i++) {
        // The first of two equal names wins, as in @libsql/client (joins).
        if (!(columns[i] in row)) row[columns[i]] = values[i];
      }
      rows[r] = row as unknown as Row;
    }
    return {
      columns,
      columnTypes: columns.map(() => ""),
      rows,
      rowsAffected: 0,
      lastInsertRowid: undefined,
      toJSON: () => ({ columns, rows: raw }),
    };
  };

  const execute = (stmt: InStatement | string, args?: InArgs): Promise<ResultSet> => {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const plain = plainArgs(typeof stmt === "string" ? args : stmt.args);
    const original = () =>
      typeof stmt === "string" ? client.execute(stmt, args) : client.execute(stmt);
    // Only SELECTs: an INSERT … RETURNING or a PRAGMA also "reads", but belongs to the
    // connection that owns writes and per-connection settings (foreign keys), and
    // may write: it is counted. A SELECT the fast path cannot take writes nothing.
    if (!SELECT.test(sql)) return counted(original());
    if (!plain) return original();
    let entry: Prepared | null;
    try {
      entry = prepared(sql);
    } catch {
      // The original client raises its own error for it, in the shape callers expect.
      return original();
    }
    if (!entry) return original();
    try {
      return Promise.resolve(read(entry, plain));
    } catch {
      return original();
    }
  };

  // Batches run on this connection as well, from cached statements: the client
  // prepares every statement of a batch anew (13 % of a PATCH), and a commit made
  // here leaves this connection's page cache warm for the reads after it, where
  // one made on the client's connection empties it (SQLite, WAL mode).
  const writes = new Lru<string, Statement>(MAX_STATEMENTS);
  const [begin, commit, rollback] = ["BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"].map((sql) =>
    reader.prepare(sql)
  );
  const runWrite = (sql: string, args: unknown[]): ResultSet => {
    const entry = prepared(sql);
    if (entry) return read(entry, args); // a guard, or a write that returns rows
    let stmt = writes.get(sql);
    if (!stmt) writes.set(sql, stmt = reader.prepare(sql));
    const info = stmt.run(args);
    return {
      columns: [],
      columnTypes: [],
      rows: [],
      rowsAffected: info.changes,
      lastInsertRowid: BigInt(info.lastInsertRowid),
      toJSON: () => ({ columns: [], rows: [] }),
    };
  };
  const batch = (stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> => {
    const args = stmts.map((stmt) => typeof stmt === "string" ? [] : plainArgs(stmt.args));
    // A batch begun otherwise, or with values only the client converts, goes to it.
    if (mode !== "write" || args.includes(null)) {
      return counted(client.batch(stmts, mode));
    }
    let results: ResultSet[];
    try {
      begin.run([]);
      results = stmts.map((stmt, i) =>
        runWrite(typeof stmt === "string" ? stmt : stmt.sql, args[i] as unknown[])
      );
      commit.run([]);
    } catch (error) {
      if (reader.inTransaction) rollback.run([]);
      return counted(Promise.reject(error));
    }
    return counted(Promise.resolve(results));
  };

  // The other calls that may write are counted once they settle. An interactive
  // transaction (the app opens none) would be seen by the poll.
  const wrapped = withCalls(client, {
    execute,
    batch,
    executeMultiple: (sql) => counted(client.executeMultiple(sql)),
    migrate: (stmts) => counted(client.migrate(stmts)),
    close: () => {
      reader.close();
      client.close();
    },
  });
  return { client: wrapped, changeVersion };
}
