/**
 * Fast reads for the Deno server's embedded file. `@libsql/client` turns every
 * value of every row into a property with `Object.defineProperty` (20% of a
 * country_manager's list request in the profile) and prepares each statement
 * anew; a 25-client page costs 0.69 ms that way against 0.09 ms in SQLite itself.
 * This opens a second libSQL connection on the same file (WAL: it sees every
 * committed write at once) and answers the client's plain reads from cached
 * prepared statements in raw (array) mode, with the row shape drizzle reads.
 * Everything else (writes, batches, transactions, migrations, anything unusual)
 * stays with the original client, so atomicity is unchanged.
 * @module
 */
import type { Client, InArgs, InStatement, ResultSet, Row } from "@libsql/client";
// @ts-types="./libsql-native.d.ts"
import Libsql, { type Statement } from "libsql";
import { Lru } from "../lib/lru.ts";

const MAX_STATEMENTS = 500;
const VALUES = Symbol("values");
const SELECT = /^\s*select\b/i;

/** `single`: the SQL ends in `LIMIT ?`, so bound to 1 it reads at most one row. */
type Prepared = { stmt: Statement; columns: string[]; proto: object; single: boolean };
const LIMIT_LAST = /\blimit \?\s*$/i;

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
 * path; `dataVersion` is the reading connection's `PRAGMA data_version`, which
 * moves with every commit of any other connection (see change-version.ts).
 */
export function withEmbeddedReads(
  client: Client,
  path: string,
): { client: Client; dataVersion: () => number } {
  // SQLite's default page cache (2 MiB) and no memory map: with the writer's 1 GiB
  // map on this connection too, idle RSS went from 193 to 1,034 MiB for no
  // measurable gain (1,690 → 1,703 req/s on a list).
  const reader = new Libsql(path, { timeout: 5000 });
  const version = reader.prepare("PRAGMA data_version").raw(true);
  const dataVersion = () => (version.get() as number[])[0];
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
    // connection that owns writes and per-connection settings (foreign keys).
    if (!plain || !SELECT.test(sql)) return original();
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

  const wrapped = new Proxy(client, {
    get(target, key, receiver) {
      if (key === "execute") return execute;
      if (key === "close") {
        return () => {
          reader.close();
          target.close();
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { client: wrapped, dataVersion };
}
