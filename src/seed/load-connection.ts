/**
 * The seed's connection to a local file, set up for a bulk load instead of for
 * serving. The server's connection (src/db/libsql.ts) runs in WAL mode, where
 * every page of a load is written twice, into the WAL and then by the
 * checkpoint into the file: 6.1 GB written for the 3.5 GB million-client file,
 * 3.7 GB with the rollback journal in memory instead (the file is new pages,
 * which need no journal; a failed statement still rolls back; a seed killed
 * midway leaves a file to delete rather than to `--reset`). Nothing is fsynced
 * until the end; `finish` puts the file back in WAL mode, as the server expects
 * to find it, and the caller syncs it.
 * @module
 */
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { LibsqlDatabase } from "../db/libsql.ts";
import { migrateDatabase } from "../db/migrate.ts";
import * as schema from "../db/schema/index.ts";

/**
 * The settings of a file under load, for `schema` (main, or the name it is
 * attached as: the seed's stager writes into it too, stage-worker.ts): no fsync,
 * a 256 MiB page cache, reads through mmap (fewer syscalls).
 */
export function fileLoadPragmas(schema = "main"): string[] {
  return [
    `PRAGMA ${schema}.synchronous = OFF`,
    `PRAGMA ${schema}.cache_size = -262144`,
    mmapPragma(schema),
  ];
}

/** Reads of `schema` through mmap, as far as libSQL maps (2 GiB), for the load's files. */
export function mmapPragma(schema: string): string {
  return `PRAGMA ${schema}.mmap_size = 8589934592`;
}

const LOAD_PRAGMAS = [
  "PRAGMA foreign_keys = ON",
  ...fileLoadPragmas(),
  // Sorts and temporary tables in memory, index builds sorted on a second thread.
  "PRAGMA temp_store = MEMORY",
  "PRAGMA threads = 2",
];

export type LoadConnection = {
  client: Client;
  db: LibsqlDatabase;
  /** Back to WAL mode, then closed. The caller makes the file durable (fsync). */
  finish(): Promise<void>;
};

/**
 * Opens `url` (a `file:` database; its folder exists) for the load and migrates
 * it. Not through the server's opening: its reading connection stays open after
 * `close` while statements it prepared are alive, and would keep the file in WAL.
 */
export async function openForLoad(url: string): Promise<LoadConnection> {
  const client = createClient({ url });
  for (const pragma of LOAD_PRAGMAS) await client.execute(pragma);
  try {
    await client.execute("PRAGMA journal_mode = MEMORY");
  } catch {
    // Another connection has the file open (a server; a reader not yet
    // collected): leaving WAL needs it alone. The load then runs in WAL, as before.
  }
  const db = drizzle(client, { schema });
  await migrateDatabase(db);
  return {
    client,
    db,
    async finish() {
      await client.execute("PRAGMA journal_mode = WAL");
      client.close();
    },
  };
}
