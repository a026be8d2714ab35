/**
 * The bounded cache every in-memory cache here uses: a Map kept in order of use,
 * so when it is full the entry used longest ago goes, not the hot ones.
 * @module
 */
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * One {@link Lru} of at most `max` entries per owner (a database, a key set),
 * made on first use and dropped with its owner.
 */
export function lruPerOwner<O extends object, K, V>(max: number): (owner: O) => Lru<K, V> {
  const caches = new WeakMap<O, Lru<K, V>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (!cache) {
      cache = new Lru(max);
      caches.set(owner, cache);
    }
    return cache;
  };
}
