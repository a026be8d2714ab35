/**
 * A client list's `count` for its scope and its status and branch filters is a
 * sum over client_counts, which triggers on clients keep (migration 0013). Every
 * kind of write that moves a client between counts is made through the API, and
 * after each one every role's `count` for every shape the sum answers must equal
 * the rows the same list walks in cursor mode, and the table must equal a count
 * of the clients themselves.
 * @module
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import {
  buildWorld,
  call,
  createdClient,
  createTestApp,
  everyPage,
  succeeded,
  type TestApp,
  twoInstances,
  type Who,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/clients";
const STAFF: Who[] = ["countryManager", "regionManager", "regionManagerA2", "branchAdmin"];
const CONSULTANTS: Who[] = ["consultant", "consultantA2a"];

/** How many rows a list has, page by page in cursor mode (which counts nothing). */
async function walked(t: TestApp, token: string, query: string): Promise<number> {
  const { ids, counts } = await everyPage(t, token, `${BASE}?${query}&cursor=&page_size=100`);
  for (const count of counts) assert.equal(count, null);
  return ids.length;
}

/** Each role's `count` and walked rows, for every shape a sum answers. */
async function assertCounts(t: TestApp, w: World): Promise<void> {
  const { A1a, A1b } = w.branches;
  const shapes = [
    "",
    "status=active",
    "status=lead",
    `branch_id=${A1a.id}`,
    `branch_id=${A1b.id}&status=active`,
  ];
  const withDeleted = [
    "include_deleted=true",
    "only_deleted=true",
    "only_deleted=true&status=lead",
  ];
  const checks: [Who, string][] = [
    ...[...STAFF, ...CONSULTANTS].flatMap((who) => shapes.map((q): [Who, string] => [who, q])),
    ...STAFF.flatMap((who) => withDeleted.map((q): [Who, string] => [who, q])),
  ];
  for (const [who, query] of checks) {
    const rows = await walked(t, w.tokens[who], query);
    // A short page tells its own count (pagination.ts); a full one and one past
    // the end ask the counter, so the cached sum is checked too.
    for (const paging of ["", "&page_size=1", `&page_size=1&page=${rows + 1}`]) {
      const page = await call(t, "GET", `${BASE}?${query}${paging}`, { token: w.tokens[who] });
      assert.equal(page.status, 200, page.text);
      assert.equal(page.body.count, rows, `${who} ?${query}${paging}`);
    }
  }
  const kept = await t.db.all(
    sql`SELECT tenant_id, branch_id, status, deleted, n FROM client_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4`,
  );
  const counted = await t.db.all(
    sql`SELECT tenant_id, branch_id, status, deleted_at IS NOT NULL AS deleted, count(*) AS n FROM clients GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  assert.deepEqual(kept, counted);
}

Deno.test("client counts: every write that moves a client shows in every role's count", async (t) => {
  const app = await createTestApp();
  try {
    const w = await buildWorld(app);
    const cm = w.tokens.countryManager;
    const { A1a, A1b, A2a } = w.branches;
    await assertCounts(app, w);

    const ids: string[] = [];
    const placed = [[A1a, "active"], [A1a, "lead"], [A1b, "active"], [A2a, "lead"]] as const;
    for (const [branch, status] of placed) {
      ids.push(await createdClient(app, cm, { first_name: "Asha", branch_id: branch.id, status }));
    }
    ids.push(await createdClient(app, w.tokens.consultant, { first_name: "Ravi" }));
    await createdClient(app, w.tokens.countryManagerB, {
      first_name: "Other",
      branch_id: w.branches.B1a.id,
    });

    await t.step("created", () => assertCounts(app, w));
    await t.step("a status changed, and a PATCH that moves nothing", async () => {
      await succeeded(app, "PATCH", `${BASE}/${ids[1]}`, cm, { status: "active" });
      await succeeded(app, "PATCH", `${BASE}/${ids[0]}`, cm, { notes: "called back" });
      await assertCounts(app, w);
    });
    await t.step("moved to another branch, and to another region", async () => {
      await succeeded(app, "PATCH", `${BASE}/${ids[2]}`, cm, { branch_id: A1a.id });
      await succeeded(app, "PATCH", `${BASE}/${ids[3]}`, cm, {
        branch_id: A1b.id,
        status: "prospect",
      });
      await assertCounts(app, w);
    });
    await t.step("soft-deleted, then one restored", async () => {
      await succeeded(app, "DELETE", `${BASE}/${ids[0]}`, w.tokens.branchAdmin);
      await succeeded(app, "DELETE", `${BASE}/${ids[4]}`, w.tokens.branchAdmin);
      await assertCounts(app, w);
      await succeeded(app, "POST", `${BASE}/${ids[4]}/restore`, w.tokens.branchAdmin);
      await assertCounts(app, w);
    });
    await t.step("a branch moved to another region takes its clients' counts along", async () => {
      await succeeded(app, "PATCH", `/api/v1/branches/${A1b.id}`, w.tokens.superAdmin, {
        region_id: w.regions.A2.id,
      });
      await assertCounts(app, w);
    });
  } finally {
    app.close();
  }
});

Deno.test("client counts: another instance's writes on the same file count at once", async () => {
  const { a, b, close } = await twoInstances("leopard-client-counts-");
  try {
    const w = await buildWorld(a);
    await assertCounts(a, w);
    const id = await createdClient(b, w.tokens.countryManager, {
      first_name: "Asha",
      branch_id: w.branches.A1a.id,
      status: "lead",
    });
    await assertCounts(a, w);
    await succeeded(b, "PATCH", `${BASE}/${id}`, w.tokens.countryManager, { status: "active" });
    await succeeded(b, "DELETE", `${BASE}/${id}/`, w.tokens.branchAdmin);
    await assertCounts(a, w);
  } finally {
    await close();
  }
});
