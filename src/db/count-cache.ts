/**
 * Page-mode lists answer DRF's exact `count`, which SQLite can only get by walking
 * the scope's index entries (0.26 ms for a country_manager's 10,345 clients) unless
 * a table keeps it (client_counts). The count of an unchanged set is cached under a
 * key the caller derives from everything the count depends on:
 * - on the embedded file, an entry holds while the stamp it was counted under
 *   stands: the database's change version (change-version.ts), which any commit
 *   moves (so a count that walks the clients is counted again after any write),
 *   or, for a count summed from client_counts, that table's change epoch
 *   (change-epochs.ts), which only a change of a count moves (a PATCH of a
 *   client's notes leaves it). Exact for this process's writes, within 2 ms for
 *   another process's. A list passes the version its request's actor was checked
 *   at (scope.ts), which saves reading it twice per request (11 µs of ~250): the
 *   count is then as of the request's start, and a commit landing during the
 *   request shows in the rows before it shows in the count;
 * - elsewhere (no stamp), every write of this instance goes through runBatch,
 *   which bumps the database's write generation and so outdates every cached
 *   count at once, and a write made by another instance shows within COUNT_TTL_MS.
 * The rows of a page are always read fresh.
 * @module
 */
import { Lru } from "../lib/lru.ts";
import type { Database } from "./database.ts";

/** How long a count written elsewhere may go unseen where there is no change version. */
export const COUNT_TTL_MS = 2000;
const MAX_ENTRIES = 10_000;

type Entry = { value: number; generation: number; stamp: number | undefined; at: number };
type Cache = { generation: number; entries: Lru<string, Entry> };

const caches = new WeakMap<Database, Cache>();

function cacheOf(db: Database): Cache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { generation: 0, entries: new Lru(MAX_ENTRIES) };
    caches.set(db, cache);
  }
  return cache;
}

/**
 * Called by runBatch after each committed write: no count cached without a stamp
 * survives it (a stamped one holds while its stamp does).
 */
export function noteWrite(db: Database): void {
  cacheOf(db).generation++;
}

/**
 * The count `counter` gives, from the cache when what it depends on is unchanged
 * (so a hit builds and runs no SQL at all). `key` must name every input of the
 * count (scope and filters), and one key is always stamped alike: `stamp` is
 * the change version now, or a change epoch read at it, or undefined where the
 * database has neither.
 */
export async function cachedCount(
  db: Database,
  key: string,
  counter: () => Promise<number>,
  stamp: number | undefined,
  now = Date.now(),
): Promise<number> {
  const cache = cacheOf(db);
  const hit = cache.entries.get(key);
  if (
    hit &&
    (stamp !== undefined
      ? hit.stamp === stamp
      : hit.generation === cache.generation && now - hit.at < COUNT_TTL_MS)
  ) return hit.value;
  const generation = cache.generation;
  const value = await counter();
  // A write that landed while this count ran leaves it unsaved rather than stale.
  if (generation === cache.generation) {
    cache.entries.set(key, { value, generation, stamp, at: now });
  }
  return value;
}
