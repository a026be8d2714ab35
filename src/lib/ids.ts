/**
 * UUIDv7 ids (RFC 9562): time-ordered, so inserts append to indexes and keyset
 * pages by id follow creation order. Web Crypto only, so it runs on every runtime.
 * @module
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Fills a buffer with random bytes; the API always uses Web Crypto's. */
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

/**
 * Web Crypto's bytes, drawn 4 KiB at a time: one call per id was 1.5 % of a
 * request (every request has an id). Each id still gets fresh bytes of its own.
 */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;
const cryptoFill: RandomFill = (bytes) => {
  if (poolAt + bytes.length > POOL_BYTES) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  bytes.set(pool.subarray(poolAt, poolAt + bytes.length));
  poolAt += bytes.length;
  return bytes;
};

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

let lastMs = -1;
let sequence = 0;
const BORROW_MS = 10;

/**
 * A new UUIDv7 for the given instant (defaults to now). `fill` supplies the random
 * bits: Web Crypto unless a caller needs reproducible ids (the seed passes its
 * seeded generator, so the same seed gives the same ids).
 *
 * With Web Crypto, ids made in this instance sort in the order they were made,
 * even within one millisecond (several writes of one request, an audit entry per
 * row): RFC 9562 §6.2 method 1, a 12-bit counter in `rand_a` that starts at a
 * random value each millisecond and borrows the next millisecond when it runs
 * out (or the clock steps back a little). An instant well in the past is an
 * explicit one (the id of something that happened then): it is kept as given.
 */
export function uuidv7(now: number = Date.now(), fill: RandomFill = cryptoFill): string {
  const bytes = fill(new Uint8Array(16));
  let ms = now;
  if (fill === cryptoFill && ms >= lastMs - BORROW_MS) {
    if (ms > lastMs) {
      lastMs = ms;
      sequence = ((bytes[6] & 0x07) << 8) | bytes[7];
    } else if (++sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
    bytes[6] = sequence >> 8;
    bytes[7] = sequence & 0xff;
  }
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let id = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) id += "-";
    id += HEX[bytes[i]];
  }
  return id;
}

/** True for a well-formed UUID; a malformed id is answered like an unknown one. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
