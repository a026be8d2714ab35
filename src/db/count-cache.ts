/**
 * Page-mode lists answer DRF's exact `count`, which SQLite can only get by walking
 * the scope's index entries (0.26 ms for a country_manager's 10,345 clients) unless
 * a table keeps it (client_counts). The count of an unchanged set is cached under a
 * key the caller derives from everything the count depends on:
 * - on the embedded file, an entry holds while the database's change version
 *   (change-version.ts) has not moved: exact for this process's writes, within
 *   2 ms for another process's. A list passes the version its request's
 *   actor was checked at (scope.ts), which saves reading it twice per request
 *   (11 µs of ~250): the count is then as of the request's start, and a commit
 *   landing during the request shows in the rows before it shows in the count;
 * - elsewhere, every write of this instance goes through runBatch, which bumps the
 *   database's write generation and so drops every cached count at once, and a
 *   write made by another instance shows within COUNT_TTL_MS.
 * Any write drops every entry, so where agencies write all day a count is mostly
 * counted again: the cache spares repeated pages, not the first.
 * The rows of a page are always read fresh.
 * @module
 */
import { changeVersion } from "./change-version.ts";
import { Lru } from "../lib/lru.ts";
import type { Database } from "./database.ts";

/** How long a count written elsewhere may go unseen where there is no change version. */
export const COUNT_TTL_MS = 2000;
const MAX_ENTRIES = 10_000;

type Entry = { value: number; generation: number; version: number | undefined; at: number };
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

/** Called by runBatch after each committed write: no cached count survives a write. */
export function noteWrite(db: Database): void {
  const cache = cacheOf(db);
  cache.generation++;
  cache.entries.clear();
}

/**
 * The count `counter` gives, from the cache when nothing was written since (so a
 * hit builds and runs no SQL at all). `key` must name every input of the count
 * (scope and filters); `version` is the change version now, if the caller has
 * just read it.
 */
export async function cachedCount(
  db: Database,
  key: string,
  counter: () => Promise<number>,
  version = changeVersion(db),
  now = Date.now(),
): Promise<number> {
  const cache = cacheOf(db);
  const hit = cache.entries.get(key);
  if (
    hit && hit.generation === cache.generation &&
    (version !== undefined ? hit.version === version : now - hit.at < COUNT_TTL_MS)
  ) return hit.value;
  const generation = cache.generation;
  const value = await counter();
  // A write that landed while this count ran leaves it unsaved rather than stale.
  if (generation === cache.generation) {
    cache.entries.set(key, { value, generation, version, at: now });
  }
  return value;
}
