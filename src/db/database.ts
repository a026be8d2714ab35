/**
 * The database handle every selector and service receives. Built by an entry point
 * (Deno: native libSQL; Workers: libSQL over HTTP or a D1 binding) and injected
 * into the app. It is typed as what drizzle's libSQL and D1 databases share, so
 * no code above the client factory can depend on which one it got.
 * @module
 */
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "./schema/index.ts";

export type Database = BaseSQLiteDatabase<"async", unknown, typeof schema> & {
  /** One atomic batch: the only way a request writes (see batch.ts). */
  batch<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(
    batch: T,
  ): Promise<BatchResponse<T>>;
};
