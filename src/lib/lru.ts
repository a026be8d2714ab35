/**
 * The bounded cache every in-memory cache here uses: a Map kept in order of use,
 * so when it is full the entry used longest ago goes, not the hot ones.
 * @module
 */
export class Lru<K, V> {
  /** Each value with the weight it was kept at, so the total never drifts. */
  readonly #entries = new Map<K, { value: V; weight: number }>();
  #weight = 0;
  /**
   * At most `max` entries, or, with `weigh`, entries weighing at most `max` in
   * all (an entry heavier than that on its own is not kept).
   */
  constructor(readonly max: number, readonly weigh: (value: V) => number = () => 1) {}

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.max) return;
    for (const oldest of this.#entries.keys()) {
      if (this.#weight + weight <= this.max) break;
      this.delete(oldest);
    }
    this.#entries.set(key, { value, weight });
    this.#weight += weight;
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
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
