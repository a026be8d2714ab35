/** UUIDv7 ids sort in the order this instance made them, within a millisecond too. @module */
import assert from "node:assert/strict";
import { isUuid, uuidv7 } from "./ids.ts";

Deno.test("uuidv7: ids made in one millisecond, or as the clock steps back a little, keep their order", () => {
  const at = Date.UTC(2026, 11, 6, 12);
  const made = [
    ...Array.from({ length: 10_000 }, () => uuidv7(at)),
    ...Array.from({ length: 100 }, (_, i) => uuidv7(at - (i % 5))),
    uuidv7(at + 5_000),
  ];
  assert.deepEqual([...made].sort(), made);
  assert.equal(new Set(made).size, made.length);
  for (const id of made) {
    assert.ok(isUuid(id), id);
    assert.equal(id[14], "7");
    assert.ok("89ab".includes(id[19]), id);
  }
  // The time prefix is the instant's, borrowing only the milliseconds the counter needs.
  assert.equal(parseInt(made[0].replaceAll("-", "").slice(0, 12), 16), at);
  assert.ok(parseInt(made[10_099].replaceAll("-", "").slice(0, 12), 16) - at <= 3);
  // An instant well in the past is kept: the id says when its thing happened.
  const hourAgo = at - 3_600_000;
  assert.equal(parseInt(uuidv7(hourAgo).replaceAll("-", "").slice(0, 12), 16), hourAgo);
});
