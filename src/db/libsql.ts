/**
 * Opens a libSQL database with drizzle for the Deno entry, the seed and the tests.
 * `file:` URLs are embedded SQLite; `libsql://`/`http(s)://` are remote; with a
 * sync URL the file becomes an embedded replica of a remote primary.
 * @module
 */
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { trackChanges } from "./change-version.ts";
import { immediateBatches } from "./client-calls.ts";
import { withEmbeddedReads } from "./embedded-reads.ts";
import * as schema from "./schema/index.ts";

export type DatabaseOptions = {
  url: string;
  authToken?: string;
  syncUrl?: string;
  /** How often an embedded replica pulls from its primary (0: only after its own writes). */
  syncIntervalSeconds?: number;
  /** See CHANGE_POLL_MS in embedded-reads.ts (the default). */
  changePollMs?: number;
};

/** The libSQL flavour of {@link Database}, which the migrator needs. */
export type LibsqlDatabase = LibSQLDatabase<typeof schema>;

/**
 * A read-mostly server on one embedded file (an embedded replica keeps libSQL's own
 * settings): WAL lets readers run beside the writer and makes a commit one append;
 * NORMAL sync is durable in WAL mode except for the last commits on power loss (not
 * on a crash of the process); 64 MiB of page cache and 1 GiB of memory map keep the
 * hot indexes of a million clients out of read() calls.
 */
const SERVING_PRAGMAS = [
  "PRAGMA journal_mode = WAL",
  "PRAGMA synchronous = NORMAL",
  "PRAGMA cache_size = -65536",
  "PRAGMA mmap_size = 1073741824",
];

/**
 * Creates the client and the drizzle handle over it. Foreign keys are switched on
 * for the connection (SQLite leaves them off; Turso and D1 enforce them).
 */
export async function openLibsql(
  options: DatabaseOptions,
): Promise<{ client: Client; db: LibsqlDatabase }> {
  const local = isLocalFile(options.url);
  const opened = createClient({
    url: options.url,
    // A file's client would open a pool of connections, one more whenever calls
    // overlap, and the pragmas below reach only the one they ran on: foreign keys
    // and the busy timeout were off on the others. Its calls run synchronously,
    // so one connection loses nothing. The timeout (ms) is every connection's.
    concurrency: local ? 1 : undefined,
    timeout: local ? 5000 : undefined,
    authToken: options.authToken,
    syncUrl: options.syncUrl,
    syncInterval: options.syncUrl && options.syncIntervalSeconds
      ? options.syncIntervalSeconds
      : undefined,
    // Reads of an embedded replica follow writes it sent itself (SPEC §1).
    readYourWrites: options.syncUrl ? true : undefined,
  });
  const client = immediateBatches(opened);
  if (!local) return { client, db: drizzle(client, { schema }) };
  await client.execute("PRAGMA foreign_keys = ON");
  const path = localFilePath(options.url);
  if (options.syncUrl || path === null) return { client, db: drizzle(client, { schema }) };
  for (const pragma of SERVING_PRAGMAS) await client.execute(pragma);
  const served = withEmbeddedReads(opened, path, {
    pollMs: options.changePollMs,
  });
  // Outermost, so the fast path below it is only ever asked for a batch's mode.
  const servedClient = immediateBatches(served.client);
  const db = drizzle(servedClient, { schema });
  trackChanges(db, served.changeVersion);
  return { client: servedClient, db };
}

/**
 * The file a `file:` URL opens, read as @libsql/client reads it (percent-decoded:
 * `file:my%20data.db` is `my data.db`); null for an in-memory or temporary
 * database (`file::memory:`, or an empty path), which no other connection can
 * open, and for any other URL. Every second connection to the file (the fast
 * reads, the seed's) opens this path, never the URL's text.
 */
export function localFilePath(url: string): string | null {
  // @libsql/core's URI pattern, for `file:` (its host may only be "" or localhost).
  const match = /^file:(?:\/\/[^/?#]*)?([^?#]*)/su.exec(url);
  if (!match) return null;
  const path = decodeURIComponent(match[1]);
  return path === ":memory:" || path === "" ? null : path;
}

/** True for an embedded database that this process may migrate on start (SPEC §7). */
export function isLocalFile(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:";
}
