/**
 * Page-mode lists answer DRF's exact `count`, which SQLite can only get by walking
 * the scope's index entries (0.4 ms for a country_manager's 10,345 clients, on every
 * page). The count of an unchanged set is cached under a key the caller derives
 * from everything its `where` depends on (so a hit builds no SQL at all):
 * - on the embedded file, an entry holds while the database's change version
 *   (change-version.ts) has not moved: exact for this process's writes, within
 *   2 ms for another process's. A list passes the version its request's
 *   actor was checked at (scope.ts), which saves reading it twice per request
 *   (11 µs of ~250): the count is then as of the request's start, and a commit
 *   landing during the request shows in the rows before it shows in the count;
 * - elsewhere, every write of this instance goes through runBatch, which bumps the
 *   database's write generation and so drops every cached count at once, and a
 *   write made by another instance shows within COUNT_TTL_MS.
 * The rows of a page are always read fresh.
 * @module
 */
import { count, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
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
 * `SELECT count(*) FROM table WHERE where()`, from the cache when nothing was
 * written since (`where` is built only when it is not). `key` must name every
 * input of `where` (scope and filters); `args` fills its placeholders; `version`
 * is the change version now, if the caller has just read it.
 */
export async function cachedCount(
  db: Database,
  table: SQLiteTable,
  where: () => SQL | undefined,
  key: string,
  args: Record<string, unknown> = {},
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
  const [row] = await db.select({ n: count() }).from(table).where(where()).all(args);
  // A write that landed while this count ran leaves it unsaved rather than stale.
  if (generation === cache.generation) {
    cache.entries.set(key, { value: row.n, generation, version, at: now });
  }
  return row.n;
}
