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
