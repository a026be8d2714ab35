/**
 * The part of the `libsql` package (the native engine under @libsql/client) that
 * embedded-reads.ts uses. Declared here because the package's own types pull in
 * @types/node, which changes `node:assert` and other built-ins for the whole program.
 */
export interface Statement {
  readonly reader: boolean;
  raw(raw?: boolean): Statement;
  columns(): { name: string }[];
  all(args: unknown[]): unknown[];
  get(args?: unknown[]): unknown;
  run(args: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

export default class Database {
  constructor(path: string, options?: { timeout?: number });
  prepare(sql: string): Statement;
  exec(sql: string): void;
  readonly inTransaction: boolean;
  close(): void;
}
