/**
 * Worker side of {@link threadStager}: an in-memory connection holds the lookup
 * tables and the client stream (TEMP tables), and each select becomes table
 * `rows` of its own file. CREATE TABLE … AS keeps every value as the select made
 * it (its columns have no type, so no affinity converts them); the seed's INSERT
 * applies the real columns' affinity as it would have to the select itself.
 * @module
 */
/// <reference lib="deno.worker" />
import { createClient } from "@libsql/client";
import type { Job, Staged } from "./stage-thread.ts";

self.onmessage = async (event: MessageEvent<Job>) => {
  const { dir, setup, selects } = event.data;
  const client = createClient({ url: ":memory:" });
  const answer = (message: Staged) => self.postMessage(message);
  try {
    await client.execute("PRAGMA temp_store = MEMORY");
    await client.batch(setup, "write");
    for (const [index, select] of selects.entries()) {
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
};
