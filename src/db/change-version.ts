/**
 * What a read cache asks before it answers from memory: a number that moves
 * whenever anything commits to the database. On the embedded file
 * (embedded-reads.ts) it moves at once with a commit of any thread of this
 * process, and within the `CHANGE_POLL_MS` setting (2 ms) with one of another
 * process, seen through SQLite's `PRAGMA data_version`. Where the entry registers
 * none (libSQL over HTTP, D1), a cache either does not cache or keeps its own,
 * stated, rule.
 * @module
 */
import type { Database } from "./database.ts";

const versions = new WeakMap<Database, () => number>();

/** Registers how to read `db`'s change version (embedded file only). */
export function trackChanges(db: Database, version: () => number): void {
  versions.set(db, version);
}

/** `db`'s change version now, or undefined when it has none. */
export function changeVersion(db: Database): number | undefined {
  return versions.get(db)?.();
}

/**
 * True when `db` answers in process (an embedded file, the one kind that registers
 * a change version): two statements in turn cost no more than two at once.
 */
export function answersInProcess(db: Database): boolean {
  return versions.has(db);
}

/** Gives `to`, a second handle on `from`'s database, the same change version. */
export function shareChanges(from: Database, to: Database): void {
  const version = versions.get(from);
  if (version) versions.set(to, version);
}
