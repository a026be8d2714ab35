/**
 * The database handle every selector and service receives. Built by an entry point
 * (Deno: native libSQL; Workers: libSQL over HTTP) and injected into the app.
 * @module
 */
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "./schema/index.ts";

export type Database = LibSQLDatabase<typeof schema>;
