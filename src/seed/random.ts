/**
 * Reproducible randomness and time for the seed: a seeded generator (sfc32) that
 * also supplies the random bits of UUIDv7 ids, and a clock that counts from a
 * fixed reference date instead of the wall clock. Same seed, same data, to the
 * byte, whenever it runs.
 * @module
 */
import { uuidv7 } from "../lib/ids.ts";

/** Mixes numbers into one 32-bit seed (a stable hash, so per-tenant streams are independent). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h = Math.imul(h ^ Math.floor(part / 2 ** 32), 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** A seeded generator: sfc32, which passes PractRand and is fast in JS. */
export class SeedRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** The next 32 random bits. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Up to n distinct elements, in list order. */
  some<T>(items: readonly T[], n: number): T[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(n, items.length)) chosen.add(this.int(0, items.length - 1));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]);
  }

  /** One value by weight: `[[value, weight], …]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [value, weight] of entries) {
      x -= weight;
      if (x < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  /** Random bytes for ids (a {@link uuidv7} fill). */
  fill = (bytes: Uint8Array): Uint8Array => {
    for (let i = 0; i < bytes.length; i += 4) {
      const word = this.uint32();
      for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return bytes;
  };

  /** A UUIDv7 of the given instant with seeded random bits. */
  id(ms: number): string {
    return uuidv7(ms, this.fill);
  }
}

export const DAY_MS = 86_400_000;

/** Times relative to the seed's reference instant ("now" for the seeded world). */
export class SeedClock {
  constructor(readonly now: Date) {}

  get nowMs(): number {
    return this.now.getTime();
  }

  /** The instant `days` (fractional) before the reference. */
  daysAgo(days: number): number {
    return this.nowMs - Math.round(days * DAY_MS);
  }

  /** RFC 3339 UTC text of an instant, as the API stores it. */
  iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /** The `YYYY-MM-DD` of an instant (UTC). */
  date(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
  }

  /** A calendar date moved by whole days. */
  addDays(date: string, days: number): string {
    return this.date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
  }

  /** A calendar date moved by whole years (29 Feb becomes 1 Mar). */
  addYears(date: string, years: number): string {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCFullYear(d.getUTCFullYear() + years);
    return d.toISOString().slice(0, 10);
  }

  /** A random instant in [from, to]. */
  between(rng: SeedRandom, from: number, to: number): number {
    return from + Math.floor(rng.next() * Math.max(0, to - from));
  }
}
