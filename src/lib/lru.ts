/**
 * The bounded cache every in-memory cache here uses: a Map kept in order of use,
 * so when it is full the entry used longest ago goes, not the hot ones.
 * @module
 */
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();
  #weight = 0;
  /**
   * At most `max` entries, or, with `weigh`, entries weighing at most `max` in
   * all (an entry heavier than that on its own is not kept).
   */
  constructor(readonly max: number, readonly weigh: (value: V) => number = () => 1) {}

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.max) return;
    while (this.#weight + weight > this.max) this.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
    this.#weight += weight;
  }

  delete(key: K): void {
    const value = this.#entries.get(key);
    if (value === undefined) return;
    this.#entries.delete(key);
    this.#weight -= this.weigh(value);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * One {@link Lru} of at most `max` entries per owner (a database, a key set),
 * made on first use and dropped with its owner.
 */
export function lruPerOwner<O extends object, K, V>(
  max: number,
  weigh?: (value: V) => number,
): (owner: O) => Lru<K, V> {
  const caches = new WeakMap<O, Lru<K, V>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (!cache) {
      cache = new Lru(max, weigh);
      caches.set(owner, cache);
    }
    return cache;
  };
}
