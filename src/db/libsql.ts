/**
 * Opens a libSQL database with drizzle for the Deno entry, the seed and the tests.
 * `file:` URLs are embedded SQLite; `libsql://`/`http(s)://` are remote; with a
 * sync URL the file becomes an embedded replica of a remote primary.
 * @module
 */
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema/index.ts";

export type DatabaseOptions = { url: string; authToken?: string; syncUrl?: string };

/** The libSQL flavour of {@link Database}, which the migrator needs. */
export type LibsqlDatabase = LibSQLDatabase<typeof schema>;

/**
 * Creates the client and the drizzle handle over it. Foreign keys are switched on
 * for the connection (SQLite leaves them off; Turso and D1 enforce them).
 */
export async function openLibsql(
  options: DatabaseOptions,
): Promise<{ client: Client; db: LibsqlDatabase }> {
  const client = createClient({
    url: options.url,
    authToken: options.authToken,
    syncUrl: options.syncUrl,
    // Reads of an embedded replica follow writes it sent itself (SPEC §1).
    readYourWrites: options.syncUrl ? true : undefined,
  });
  if (isLocalFile(options.url)) await client.execute("PRAGMA foreign_keys = ON");
  return { client, db: drizzle(client, { schema }) };
}

/** True for an embedded database that this process may migrate on start (SPEC §7). */
export function isLocalFile(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:";
}
