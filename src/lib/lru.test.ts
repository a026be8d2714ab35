/** The bounded cache (lru.ts): when full, the entry used longest ago goes. @module */
import assert from "node:assert/strict";
import { Lru } from "./lru.ts";

Deno.test("lru: a full cache drops the entry used longest ago, never the hot ones", () => {
  const cache = new Lru<string, number>(3);
  cache.set("hot", 1);
  cache.set("b", 2);
  cache.set("c", 3);
  assert.equal(cache.get("hot"), 1);
  cache.set("d", 4);
  assert.equal(cache.get("b"), undefined);
  assert.deepEqual([cache.get("c"), cache.get("d"), cache.get("hot")], [3, 4, 1]);
  // Used between every insert, it stays however many others come and go.
  for (let i = 0; i < 100; i++) {
    cache.set(`cold ${i}`, i);
    assert.equal(cache.get("hot"), 1);
  }
  assert.equal(cache.size, 3);
  cache.set("hot", 5);
  assert.equal(cache.get("hot"), 5);
});

Deno.test("lru: with a weight, entries go oldest first until the new one fits", () => {
  const cache = new Lru<string, number[]>(10, (value) => value.length);
  cache.set("a", [1, 2, 3, 4]);
  cache.set("b", [1, 2, 3, 4]);
  assert.equal(cache.get("a")?.length, 4);
  cache.set("c", [1, 2, 3, 4, 5]);
  // b was used longest ago; dropping it leaves 4 + 5, which fits.
  assert.deepEqual([cache.get("a")?.length, cache.get("b"), cache.get("c")?.length], [
    4,
    undefined,
    5,
  ]);
  // Heavier than the whole cache: not kept, and nothing else is dropped for it.
  cache.set("huge", new Array(11).fill(0));
  assert.deepEqual([cache.get("huge"), cache.size], [undefined, 2]);
  // Replacing an entry gives back its weight first.
  cache.set("c", [1]);
  cache.set("d", [1, 2, 3, 4, 5]);
  assert.deepEqual([cache.get("a")?.length, cache.get("c")?.length, cache.get("d")?.length], [
    4,
    1,
    5,
  ]);
});
