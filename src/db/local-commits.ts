/**
 * Commits made by this process, counted in memory that all of its serving threads
 * share (main.ts hands the buffer to each worker before it opens the database).
 * Every call that may write through an embedded file's client adds one after it
 * settles (embedded-reads.ts), so a cache checked against the count sees a write
 * of any thread of this process at once, without asking SQLite.
 * @module
 */

let counter: Int32Array | undefined;

function commits(): Int32Array {
  return counter ??= new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** The count now. */
export function localCommits(): number {
  return Atomics.load(commits(), 0);
}

/** Counts one call that may have committed. */
export function noteLocalCommit(): void {
  Atomics.add(commits(), 0, 1);
}

/** The buffer, for a worker thread of this process to adopt. */
export function sharedCommits(): SharedArrayBuffer {
  return commits().buffer as SharedArrayBuffer;
}

/** Counts in `buffer` from now on (a worker thread, before it opens a database). */
export function adoptCommits(buffer: SharedArrayBuffer): void {
  counter = new Int32Array(buffer);
}
