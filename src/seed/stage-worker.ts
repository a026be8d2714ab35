/**
 * Worker side of {@link threadStager}: an in-memory connection holds the lookup
 * tables and the client stream (TEMP tables), and each select becomes table
 * `rows` of its own file. CREATE TABLE … AS keeps every value as the select made
 * it (its columns have no type, so no affinity converts them); the seed's INSERT
 * applies the real columns' affinity as it would have to the select itself.
 * With `into`, the first select is instead the seed's own INSERT, run here on
 * the seed's file once the seed's thread sends LOAD.
 * @module
 */
/// <reference lib="deno.worker" />
import { type Client, createClient } from "@libsql/client";
import { fileLoadPragmas } from "./load-connection.ts";
import { type Job, LOAD, type Staged } from "./stage-thread.ts";

// One job per worker (threadStager stages once).
const loadAsked = Promise.withResolvers<void>();

self.onmessage = (event: MessageEvent<Job | typeof LOAD>) => {
  if (event.data === LOAD) loadAsked.resolve();
  else void run(event.data);
};

async function run({ dir, setup, selects, into }: Job): Promise<void> {
  const client = createClient({ url: ":memory:" });
  const answer = (message: Staged) => self.postMessage(message);
  try {
    await client.execute("PRAGMA temp_store = MEMORY");
    await client.batch(setup, "write");
    for (const [index, select] of selects.entries()) {
      if (index === 0 && into) {
        await loadAsked.promise;
        answer({ loaded: await loadInto(client, into.path, into.insert) });
        continue;
      }
      const path = `${dir}/${index}.db`;
      await client.execute({ sql: "ATTACH ? AS out", args: [path] });
      // A scratch file, deleted once copied: no journal, no fsync.
      await client.execute("PRAGMA out.journal_mode = OFF");
      await client.execute("PRAGMA out.synchronous = OFF");
      await client.execute("PRAGMA out.cache_size = -65536");
      await client.execute(`CREATE TABLE out.rows AS ${select}`);
      await client.execute("DETACH out");
      answer({ index, path });
    }
  } catch (error) {
    answer({ error: String(error) });
  } finally {
    client.close();
  }
}

/**
 * The seed's file, written as its load connection writes it (load-connection.ts):
 * no fsync (the seed syncs at the end), a journal in memory unless the file is in
 * WAL mode (another connection holds it open), foreign keys unchecked (as the
 * seed's own scaled inserts are: the rows reference only rows the seed made).
 */
async function loadInto(client: Client, path: string, insert: string): Promise<number> {
  await client.execute({ sql: "ATTACH ? AS seed_target", args: [path] });
  try {
    await client.execute("PRAGMA foreign_keys = OFF");
    for (const pragma of fileLoadPragmas("seed_target")) await client.execute(pragma);
    const mode = await client.execute("PRAGMA seed_target.journal_mode");
    if (mode.rows[0]?.[0] !== "wal") {
      await client.execute("PRAGMA seed_target.journal_mode = MEMORY");
    }
    return (await client.execute(insert)).rowsAffected;
  } finally {
    await client.execute("DETACH seed_target");
  }
}
