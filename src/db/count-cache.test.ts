/**
 * The cached `count` of page-mode lists (count-cache.ts): a write through this
 * instance shows in the next count at once, in every role's scope, and so does a
 * write by another instance on the same embedded file (its change version moves).
 * @module
 */
import assert from "node:assert/strict";
import { buildWorld, call, createTestApp, twoInstances, type World } from "../../tests/support.ts";

const BASE = "/api/v1/clients";
const ROLES = ["countryManager", "regionManager", "branchAdmin", "consultant"] as const;

async function countsOf(t: Parameters<typeof call>[0], w: World) {
  const counts: Record<string, number> = {};
  for (const who of ROLES) {
    // A short page tells its own count (pagination.ts); one row a page asks the cache.
    const [short, full] = await Promise.all(
      ["", "?page_size=1"].map((q) => call(t, "GET", BASE + q, { token: w.tokens[who] })),
    );
    assert.equal(short.status, 200, short.text);
    assert.equal(full.body.count, short.body.count, who);
    counts[who] = short.body.count as number;
  }
  return counts;
}

const allAt = (n: number) => Object.fromEntries(ROLES.map((who) => [who, n]));

Deno.test("count cache: this instance's writes show in the next count, in every scope", async () => {
  const t = await createTestApp();
  try {
    const w = await buildWorld(t);
    assert.deepEqual(await countsOf(t, w), allAt(0));
    const created = await call(t, "POST", BASE, {
      token: w.tokens.consultant,
      body: { first_name: "Asha", last_name: "Karki" },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(await countsOf(t, w), allAt(1));
    const other = await call(t, "POST", BASE, {
      token: w.tokens.countryManager,
      body: { first_name: "Ravi", last_name: "Menon", branch_id: w.branches.A2a.id },
    });
    assert.equal(other.status, 201, other.text);
    // In A2a: the country_manager sees it; region A1 and branch A1a do not.
    assert.deepEqual(await countsOf(t, w), { ...allAt(1), countryManager: 2 });
    const removed = await call(t, "DELETE", `${BASE}/${created.body.id}`, {
      token: w.tokens.branchAdmin,
    });
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual(await countsOf(t, w), { ...allAt(0), countryManager: 1 });
  } finally {
    t.close();
  }
});

Deno.test("count cache: another instance's write on the same file shows at once", async () => {
  const { a, b, close } = await twoInstances("leopard-count-");
  try {
    const w = await buildWorld(a);
    assert.deepEqual(await countsOf(a, w), allAt(0));
    const created = await call(b, "POST", BASE, {
      token: w.tokens.consultant,
      body: { first_name: "Asha", last_name: "Karki" },
    });
    assert.equal(created.status, 201, created.text);
    const page = await call(a, "GET", BASE, { token: w.tokens.consultant });
    assert.deepEqual((page.body.results as { id: string }[]).map((r) => r.id), [created.body.id]);
    assert.deepEqual(await countsOf(a, w), allAt(1));
  } finally {
    await close();
  }
});
