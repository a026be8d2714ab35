/**
 * Black-box tests of /api/v1/clients: every role creates and edits in its scope,
 * outside it a client does not exist, body ids cannot escape the scope, moves,
 * soft delete and restore, list filters, search, ordering and cursor paging, bad
 * input, the audit row of each write, and the indexes the list queries use.
 * @module
 */
import assert from "node:assert/strict";
import { and, asc, count, desc, eq, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { clients } from "../../db/schema/index.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { deletedFilter } from "../../lib/soft-delete.ts";
import { clientsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import {
  allAudit,
  asPlatform,
  assertError,
  type AuditRow,
  beforeNextBatch,
  buildWorld,
  call,
  countRows,
  createTestApp,
  idsOf,
  insertUser,
  newAudit,
  type RequestOptions,
  type Res,
  results,
  tableCounts,
  tableScans,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/clients";
const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000dead";

type Row = Record<string, unknown>;

function as(w: World, who: Who): RequestOptions {
  return { token: w.tokens[who] };
}

function ids(...rows: Row[]): string[] {
  return rows.map((r) => String(r.id)).sort();
}

function person(extra: Row = {}): Row {
  return { first_name: "Asha", last_name: "Karki", ...extra };
}

async function createClient(t: TestApp, options: RequestOptions, body: Row): Promise<Row> {
  const res = await call(t, "POST", BASE, { ...options, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function createAgent(t: TestApp, options: RequestOptions, body: Row): Promise<Row> {
  const res = await call(t, "POST", "/api/v1/agents", { ...options, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Deactivates a user through the API (as the tenant's super_admin). */
async function deactivate(t: TestApp, w: World, userId: string): Promise<void> {
  const res = await call(t, "PATCH", `/api/v1/users/${userId}`, {
    ...as(w, "superAdmin"),
    body: { is_active: false },
  });
  assert.equal(res.status, 200, res.text);
}

/** Row counts of every table a refused client write could touch. */
async function counts(t: TestApp): Promise<Record<string, number>> {
  return {
    ...(await tableCounts(t.db)),
    clients: await countRows(t.db, "clients"),
    agents: await countRows(t.db, "agents"),
  };
}

async function clientRow(t: TestApp, id: unknown): Promise<Row> {
  const rows = await t.db.all<Row>(sql`SELECT * FROM clients WHERE id = ${String(id)}`);
  assert.equal(rows.length, 1, `client ${id} not stored`);
  return rows[0];
}

/** A path relative to the app from an absolute `next` link. */
function relative(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

Deno.test("clients: every role creates clients inside its scope, with its defaults", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a, B1a } = w.branches;

  await s.step("a consultant's client goes to its own branch and is assigned to it", async () => {
    const c = await createClient(t, as(w, "consultant"), person({ nationality: "np" }));
    assert.equal(c.tenant_id, w.tenantA.id);
    assert.equal(c.branch_id, A1a.id);
    assert.equal(c.assigned_to, w.users.consultant.id);
    assert.equal(c.created_by, w.users.consultant.id);
    assert.equal(c.nationality, "NP");
    assert.equal(c.status, "lead");
    assert.equal(c.deleted_at, null);
    const stored = await clientRow(t, c.id);
    assert.equal(stored.branch_id, A1a.id);
    assert.equal(stored.assigned_to, w.users.consultant.id);
    const unassigned = await createClient(t, as(w, "consultant"), person({ assigned_to: null }));
    assert.equal(unassigned.assigned_to, null, "an explicit null is kept");
  });

  await s.step("a branch admin's client defaults to its own branch", async () => {
    const c = await createClient(t, as(w, "branchAdmin"), person());
    assert.equal(c.branch_id, A1a.id);
    const named = await createClient(t, as(w, "branchAdmin"), person({ branch_id: A1a.id }));
    assert.equal(named.branch_id, A1a.id);
    const assigned = await createClient(
      t,
      as(w, "branchAdmin"),
      person({ assigned_to: w.users.consultant.id }),
    );
    assert.equal(assigned.assigned_to, w.users.consultant.id);
  });

  await s.step("a region manager must name a branch (422 without), one of its region", async () => {
    const before = await counts(t);
    assertError(
      await call(t, "POST", BASE, { ...as(w, "regionManager"), body: person() }),
      422,
      "validation_error",
    );
    assertError(
      await call(t, "POST", BASE, {
        ...as(w, "regionManager"),
        body: person({ branch_id: A2a.id }),
      }),
      404,
    );
    assertError(
      await call(t, "POST", BASE, {
        ...as(w, "regionManager"),
        body: person({ branch_id: B1a.id }),
      }),
      404,
    );
    assert.deepEqual(await counts(t), before);
    for (const branch of [A1a, A1b]) {
      const c = await createClient(t, as(w, "regionManager"), person({ branch_id: branch.id }));
      assert.equal(c.branch_id, branch.id);
    }
  });

  await s.step("super_admin and country_manager create in any branch of their tenant", async () => {
    for (const who of ["superAdmin", "countryManager"] as const) {
      for (const branch of [A1a, A1b, A2a]) {
        const c = await createClient(t, as(w, who), person({ branch_id: branch.id }));
        assert.equal(c.branch_id, branch.id);
        assert.equal(c.created_by, w.users[who].id);
      }
      const before = await counts(t);
      assertError(await call(t, "POST", BASE, { ...as(w, who), body: person() }), 422);
      assertError(
        await call(t, "POST", BASE, { ...as(w, who), body: person({ branch_id: B1a.id }) }),
        404,
      );
      assert.deepEqual(await counts(t), before);
    }
  });

  await s.step("the platform admin creates only after naming the tenant (else 400)", async () => {
    const before = await counts(t);
    assertError(
      await call(t, "POST", BASE, { ...as(w, "platform"), body: person({ branch_id: A1a.id }) }),
      400,
      "tenant_required",
    );
    assertError(await call(t, "GET", BASE, as(w, "platform")), 400, "tenant_required");
    assert.deepEqual(await counts(t), before);
    assertError(
      await call(t, "POST", BASE, {
        ...asPlatform(w, w.tenantA.id),
        body: person({ branch_id: B1a.id }),
      }),
      404,
    );
    const c = await createClient(t, asPlatform(w, w.tenantA.id), person({ branch_id: A2a.id }));
    assert.equal(c.tenant_id, w.tenantA.id);
    assert.equal(c.branch_id, A2a.id);
    assert.equal(c.created_by, w.users.platform.id);
    const inB = await createClient(t, asPlatform(w, w.tenantB.id), person({ branch_id: B1a.id }));
    assert.equal(inB.tenant_id, w.tenantB.id);
  });

  await s.step("branch staff cannot create in another branch, region or tenant (404)", async () => {
    const before = await counts(t);
    for (const who of ["consultant", "branchAdmin"] as const) {
      for (const branchId of [A1b.id, A2a.id, B1a.id, UNKNOWN_ID, "not-a-uuid"]) {
        assertError(
          await call(t, "POST", BASE, { ...as(w, who), body: person({ branch_id: branchId }) }),
          404,
        );
      }
    }
    assert.deepEqual(await counts(t), before);
  });

  await s.step("every role edits a client in its scope", async () => {
    const c = await createClient(t, as(w, "consultant"), person());
    const editors: [string, RequestOptions, string][] = [
      ["superAdmin", as(w, "superAdmin"), w.users.superAdmin.id],
      ["countryManager", as(w, "countryManager"), w.users.countryManager.id],
      ["regionManager", as(w, "regionManager"), w.users.regionManager.id],
      ["branchAdmin", as(w, "branchAdmin"), w.users.branchAdmin.id],
      ["consultant", as(w, "consultant"), w.users.consultant.id],
      ["platform", asPlatform(w, w.tenantA.id), w.users.platform.id],
    ];
    for (const [name, options, userId] of editors) {
      const res = await call(t, "PATCH", `${BASE}/${c.id}`, {
        ...options,
        body: { notes: `edited by ${name}` },
      });
      assert.equal(res.status, 200, `${name}: ${res.text}`);
      assert.equal(res.body.notes, `edited by ${name}`);
      const row = await clientRow(t, c.id);
      assert.equal(row.notes, `edited by ${name}`);
      assert.equal(row.updated_by, userId);
    }
  });

  t.close();
});

Deno.test("clients: outside its scope a client does not exist (404 for GET, PATCH, DELETE, restore)", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const cA1a = await createClient(t, as(w, "consultant"), person({ last_name: "InA1a" }));
  const cA1b = await createClient(t, as(w, "consultantA1b"), person({ last_name: "InA1b" }));
  const cA2a = await createClient(t, as(w, "consultantA2a"), person({ last_name: "InA2a" }));
  const cB = await createClient(t, as(w, "consultantB"), person({ last_name: "InB" }));

  await s.step("each role lists exactly the clients of its scope", async () => {
    const expected: [Who, Row[]][] = [
      ["superAdmin", [cA1a, cA1b, cA2a]],
      ["countryManager", [cA1a, cA1b, cA2a]],
      ["regionManager", [cA1a, cA1b]],
      ["regionManagerA2", [cA2a]],
      ["branchAdmin", [cA1a]],
      ["consultant", [cA1a]],
      ["branchAdminA1b", [cA1b]],
      ["consultantA2a", [cA2a]],
      ["superAdminB", [cB]],
      ["consultantB", [cB]],
    ];
    for (const [who, rows] of expected) {
      const res = await call(t, "GET", BASE, as(w, who));
      assert.deepEqual(idsOf(res), ids(...rows), who);
      assert.equal(res.body.count, rows.length, who);
    }
    const platform = await call(t, "GET", BASE, asPlatform(w, w.tenantB.id));
    assert.deepEqual(idsOf(platform), ids(cB));
  });

  const outside: [string, RequestOptions, Row[]][] = [
    ["consultant", as(w, "consultant"), [cA1b, cA2a, cB]],
    ["branchAdmin", as(w, "branchAdmin"), [cA1b, cA2a, cB]],
    ["regionManager", as(w, "regionManager"), [cA2a, cB]],
    ["regionManagerA2", as(w, "regionManagerA2"), [cA1a, cA1b]],
    ["countryManager", as(w, "countryManager"), [cB]],
    ["superAdmin", as(w, "superAdmin"), [cB]],
    ["superAdminB", as(w, "superAdminB"), [cA1a, cA1b, cA2a]],
    ["platform in B", asPlatform(w, w.tenantB.id), [cA1a]],
  ];

  await s.step("GET, PATCH and DELETE of a client outside the scope are 404", async () => {
    const before = await counts(t);
    const audit = await allAudit(t);
    for (const [name, options, rows] of outside) {
      for (const c of rows) {
        const path = `${BASE}/${c.id}`;
        assertError(await call(t, "GET", path, options), 404, "not_found");
        assertError(
          await call(t, "PATCH", path, { ...options, body: { notes: `by ${name}` } }),
          404,
          "not_found",
        );
        assertError(await call(t, "DELETE", path, options), 404, "not_found");
      }
    }
    for (const c of [cA1a, cA1b, cA2a, cB]) {
      const row = await clientRow(t, c.id);
      assert.equal(row.notes, "");
      assert.equal(row.deleted_at, null);
    }
    assert.deepEqual(await newAudit(t, audit), []);
    const platformRows = (await allAudit(t)).length - audit.length;
    assert.deepEqual(await counts(t), { ...before, audit_logs: before.audit_logs + platformRows });
  });

  await s.step("restoring a deleted client outside the scope is 404", async () => {
    for (const c of [cA1b, cA2a]) {
      const res = await call(t, "DELETE", `${BASE}/${c.id}`, as(w, "superAdmin"));
      assert.equal(res.status, 204, res.text);
    }
    const delB = await call(t, "DELETE", `${BASE}/${cB.id}`, as(w, "superAdminB"));
    assert.equal(delB.status, 204, delB.text);
    const audit = await allAudit(t);
    const attempts: [Who, Row][] = [
      ["consultant", cA1b],
      ["branchAdmin", cA1b],
      ["branchAdmin", cA2a],
      ["regionManager", cA2a],
      ["regionManagerA2", cA1b],
      ["superAdmin", cB],
      ["countryManager", cB],
      ["superAdminB", cA1b],
    ];
    for (const [who, c] of attempts) {
      assertError(await call(t, "POST", `${BASE}/${c.id}/restore`, as(w, who)), 404, "not_found");
    }
    for (const c of [cA1b, cA2a, cB]) {
      assert.notEqual((await clientRow(t, c.id)).deleted_at, null);
    }
    assert.deepEqual(await newAudit(t, audit), []);
  });

  await s.step("an unknown or malformed id is 404", async () => {
    for (const id of [UNKNOWN_ID, "not-a-uuid", "1"]) {
      const options = as(w, "superAdmin");
      assertError(await call(t, "GET", `${BASE}/${id}`, options), 404);
      assertError(
        await call(t, "PATCH", `${BASE}/${id}`, { ...options, body: { notes: "x" } }),
        404,
      );
      assertError(await call(t, "DELETE", `${BASE}/${id}`, options), 404);
      assertError(await call(t, "POST", `${BASE}/${id}/restore`, options), 404);
    }
  });

  t.close();
});

Deno.test("clients: ids in the body cannot reach outside the writer's scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a, B1a } = w.branches;
  const agentA1a = await createAgent(t, as(w, "branchAdmin"), { name: "Agent A1a" });
  const agentA1b = await createAgent(t, as(w, "branchAdminA1b"), { name: "Agent A1b" });
  const agentWide = await createAgent(t, as(w, "superAdmin"), { name: "Agent Wide" });
  const agentB = await createAgent(t, as(w, "superAdminB"), { name: "Agent B" });
  const c = await createClient(t, as(w, "consultant"), person());
  const original = await clientRow(t, c.id);

  /** Every attempt must fail with `status` and leave the data as it was. */
  const refused = async (status: number, attempts: [Who, "POST" | "PATCH", Row][]) => {
    const before = await counts(t);
    for (const [who, method, body] of attempts) {
      const path = method === "POST" ? BASE : `${BASE}/${c.id}`;
      const res = await call(t, method, path, { ...as(w, who), body });
      assertError(res, status);
    }
    assert.deepEqual(await counts(t), before);
    assert.deepEqual(await clientRow(t, c.id), original);
  };

  await s.step("branch_id of another region or tenant is 404", async () => {
    await refused(404, [
      ["regionManager", "POST", person({ branch_id: A2a.id })],
      ["regionManager", "PATCH", { branch_id: A2a.id }],
      ["superAdmin", "POST", person({ branch_id: B1a.id })],
      ["superAdmin", "PATCH", { branch_id: B1a.id }],
      ["countryManager", "PATCH", { branch_id: B1a.id }],
      ["branchAdmin", "PATCH", { branch_id: A1b.id }],
    ]);
  });

  await s.step("assigned_to a user outside the writer's scope is 404", async () => {
    await refused(404, [
      ["consultant", "POST", person({ assigned_to: w.users.consultantA1b.id })],
      ["consultant", "PATCH", { assigned_to: w.users.branchAdminA1b.id }],
      ["consultant", "PATCH", { assigned_to: w.users.regionManager.id }],
      ["branchAdmin", "POST", person({ assigned_to: w.users.consultantA2a.id })],
      [
        "regionManager",
        "POST",
        person({ branch_id: A1a.id, assigned_to: w.users.consultantA2a.id }),
      ],
      ["regionManager", "PATCH", { assigned_to: w.users.consultantA2a.id }],
      ["superAdmin", "POST", person({ branch_id: A1a.id, assigned_to: w.users.consultantB.id })],
      ["superAdmin", "PATCH", { assigned_to: w.users.consultantB.id }],
      ["superAdmin", "PATCH", { assigned_to: UNKNOWN_ID }],
    ]);
  });

  await s.step("agent_id of another tenant's or another branch's agent is 404", async () => {
    await refused(404, [
      ["consultant", "POST", person({ agent_id: agentA1b.id })],
      ["consultant", "PATCH", { agent_id: agentA1b.id }],
      ["branchAdmin", "PATCH", { agent_id: agentA1b.id }],
      ["superAdmin", "POST", person({ branch_id: A1a.id, agent_id: agentB.id })],
      ["superAdmin", "PATCH", { agent_id: agentB.id }],
      ["regionManager", "PATCH", { agent_id: agentB.id }],
      ["consultant", "PATCH", { agent_id: UNKNOWN_ID }],
    ]);
  });

  await s.step(
    "assigned_to someone in scope who does not work in the client's branch is 422",
    async () => {
      await refused(422, [
        [
          "regionManager",
          "POST",
          person({ branch_id: A1a.id, assigned_to: w.users.consultantA1b.id }),
        ],
        ["regionManager", "PATCH", { assigned_to: w.users.branchAdminA1b.id }],
        ["superAdmin", "POST", person({ branch_id: A2a.id, assigned_to: w.users.consultant.id })],
        [
          "superAdmin",
          "POST",
          person({ branch_id: A2a.id, assigned_to: w.users.regionManager.id }),
        ],
        ["superAdmin", "PATCH", { assigned_to: w.users.consultantA2a.id }],
      ]);
    },
  );

  await s.step("a deactivated assignee is 422", async () => {
    const gone = await insertUser(t.db, "consultant", {
      tenantId: w.tenantA.id,
      regionId: w.regions.A1.id,
      branchId: A1a.id,
    });
    await deactivate(t, w, gone.id);
    await refused(422, [
      ["consultant", "POST", person({ assigned_to: gone.id })],
      ["branchAdmin", "PATCH", { assigned_to: gone.id }],
      ["superAdmin", "POST", person({ branch_id: A1a.id, assigned_to: gone.id })],
    ]);
  });

  await s.step("an empty string is no way around the id checks", async () => {
    const before = await counts(t);
    const attempts: [string, Row][] = [
      [BASE, person({ assigned_to: "" })],
      [BASE, person({ agent_id: "" })],
      [`${BASE}/${c.id}`, { assigned_to: "" }],
      [`${BASE}/${c.id}`, { agent_id: "" }],
    ];
    for (const [path, body] of attempts) {
      const method = path === BASE ? "POST" : "PATCH";
      const res = await call(t, method, path, { ...as(w, "branchAdmin"), body });
      assert.ok(
        res.status === 404 || res.status === 422,
        `${method} ${JSON.stringify(body)}: expected 404 or 422, got ${res.status}: ${res.text}`,
      );
    }
    assert.deepEqual(await counts(t), before);
    assert.deepEqual(await clientRow(t, c.id), original);
  });

  await s.step("ids inside the scope and the client's branch are accepted", async () => {
    const wide = await createClient(t, as(w, "consultant"), person({ agent_id: agentWide.id }));
    assert.equal(wide.agent_id, agentWide.id);
    const own = await createClient(t, as(w, "consultant"), person({ agent_id: agentA1a.id }));
    assert.equal(own.agent_id, agentA1a.id);
    const byRegion = await createClient(
      t,
      as(w, "superAdmin"),
      person({ branch_id: A1b.id, assigned_to: w.users.regionManager.id }),
    );
    assert.equal(byRegion.assigned_to, w.users.regionManager.id, "a region manager covers A1b");
    const res = await call(t, "PATCH", `${BASE}/${c.id}`, {
      ...as(w, "consultant"),
      body: { assigned_to: w.users.branchAdmin.id, agent_id: agentA1a.id },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.assigned_to, w.users.branchAdmin.id);
    assert.equal(res.body.agent_id, agentA1a.id);
  });

  t.close();
});

Deno.test("clients: an edit is checked only for the references it sets", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const agent = await createAgent(t, as(w, "branchAdmin"), { name: "Leaving Agent" });
  const c = await createClient(t, as(w, "consultant"), person({ agent_id: agent.id }));
  const path = `${BASE}/${c.id}`;
  const assigned = await createClient(t, as(w, "consultant"), person({ last_name: "Assigned" }));
  assert.equal(assigned.assigned_to, w.users.consultant.id);

  await s.step("a client whose agent was deleted since can still be edited", async () => {
    const del = await call(t, "DELETE", `/api/v1/agents/${agent.id}`, as(w, "branchAdmin"));
    assert.equal(del.status, 204, del.text);
    const res = await call(t, "PATCH", path, {
      ...as(w, "consultant"),
      body: { notes: "Called." },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal((await clientRow(t, c.id)).notes, "Called.");
    assertError(
      await call(t, "PATCH", path, { ...as(w, "consultant"), body: { agent_id: agent.id } }),
      404,
    );
  });

  await s.step("a client whose assignee was deactivated since can still be edited", async () => {
    await deactivate(t, w, w.users.consultant.id);
    const res = await call(t, "PATCH", `${BASE}/${assigned.id}`, {
      ...as(w, "branchAdmin"),
      body: { status: "prospect" },
    });
    assert.equal(res.status, 200, res.text);
    const row = await clientRow(t, assigned.id);
    assert.equal(row.status, "prospect");
    assert.equal(row.assigned_to, w.users.consultant.id);
    const other = await createClient(t, as(w, "branchAdmin"), person({ last_name: "Other" }));
    assertError(
      await call(t, "PATCH", `${BASE}/${other.id}`, {
        ...as(w, "branchAdmin"),
        body: { assigned_to: w.users.consultant.id },
      }),
      422,
      "validation_error",
    );
  });

  t.close();
});

Deno.test("clients: moving a client to another branch is for branch_admin and up, inside the scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a } = w.branches;
  const c = await createClient(t, as(w, "consultant"), person());
  const path = `${BASE}/${c.id}`;

  await s.step(
    "a consultant may not move a client (403), but may name its current branch",
    async () => {
      const before = await counts(t);
      assertError(
        await call(t, "PATCH", path, {
          ...as(w, "consultant"),
          body: { branch_id: A1b.id, assigned_to: null },
        }),
        403,
        "forbidden",
      );
      assert.deepEqual(await counts(t), before);
      assert.equal((await clientRow(t, c.id)).branch_id, A1a.id);
      const same = await call(t, "PATCH", path, {
        ...as(w, "consultant"),
        body: { branch_id: A1a.id, notes: "stays" },
      });
      assert.equal(same.status, 200, same.text);
      assert.equal(same.body.branch_id, A1a.id);
    },
  );

  await s.step("a branch admin's only branch is its own: another one is 404", async () => {
    assertError(
      await call(t, "PATCH", path, {
        ...as(w, "branchAdmin"),
        body: { branch_id: A1b.id, assigned_to: null },
      }),
      404,
    );
    assert.equal((await clientRow(t, c.id)).branch_id, A1a.id);
  });

  await s.step(
    "a move keeps the assignee only if the assignee works in the new branch (422)",
    async () => {
      assertError(
        await call(t, "PATCH", path, { ...as(w, "regionManager"), body: { branch_id: A1b.id } }),
        422,
        "validation_error",
      );
      assert.equal((await clientRow(t, c.id)).branch_id, A1a.id);
    },
  );

  await s.step("a region manager moves within its region, not out of it (404)", async () => {
    const moved = await call(t, "PATCH", path, {
      ...as(w, "regionManager"),
      body: { branch_id: A1b.id, assigned_to: w.users.consultantA1b.id },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.branch_id, A1b.id);
    assert.equal(moved.body.assigned_to, w.users.consultantA1b.id);
    assertError(await call(t, "GET", path, as(w, "consultant")), 404);
    const seen = await call(t, "GET", path, as(w, "consultantA1b"));
    assert.equal(seen.status, 200, seen.text);

    assertError(
      await call(t, "PATCH", path, {
        ...as(w, "regionManager"),
        body: { branch_id: A2a.id, assigned_to: null },
      }),
      404,
    );
    assert.equal((await clientRow(t, c.id)).branch_id, A1b.id);
  });

  await s.step("a tenant manager moves a client to another region", async () => {
    const moved = await call(t, "PATCH", path, {
      ...as(w, "countryManager"),
      body: { branch_id: A2a.id, assigned_to: null },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((await clientRow(t, c.id)).branch_id, A2a.id);
    assertError(await call(t, "GET", path, as(w, "regionManager")), 404);
    const seen = await call(t, "GET", path, as(w, "regionManagerA2"));
    assert.equal(seen.status, 200, seen.text);
  });

  t.close();
});

Deno.test("clients: soft delete and restore are for branch_admin and up", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const c = await createClient(t, as(w, "consultant"), person({ last_name: "Deleted" }));
  const other = await createClient(t, as(w, "consultant"), person({ last_name: "Live" }));
  const path = `${BASE}/${c.id}`;

  await s.step("a consultant may not delete a client of its branch (403)", async () => {
    const before = await counts(t);
    assertError(await call(t, "DELETE", path, as(w, "consultant")), 403, "forbidden");
    assert.deepEqual(await counts(t), before);
    assert.equal((await clientRow(t, c.id)).deleted_at, null);
  });

  await s.step("a deleted client is gone from GET, PATCH and lists", async () => {
    const res = await call(t, "DELETE", path, as(w, "branchAdmin"));
    assert.equal(res.status, 204, res.text);
    const row = await clientRow(t, c.id);
    assert.equal(typeof row.deleted_at, "string");
    assert.equal(row.deleted_by, w.users.branchAdmin.id);
    for (const who of ["consultant", "branchAdmin", "regionManager", "superAdmin"] as const) {
      assertError(await call(t, "GET", path, as(w, who)), 404);
      const list = await call(t, "GET", BASE, as(w, who));
      assert.deepEqual(idsOf(list), ids(other), who);
      assert.equal(list.body.count, 1);
    }
    assertError(
      await call(t, "PATCH", path, { ...as(w, "branchAdmin"), body: { notes: "x" } }),
      404,
    );
  });

  await s.step("include_deleted and only_deleted show it to branch_admin and up", async () => {
    const viewers: [string, RequestOptions][] = [
      ["branchAdmin", as(w, "branchAdmin")],
      ["regionManager", as(w, "regionManager")],
      ["countryManager", as(w, "countryManager")],
      ["superAdmin", as(w, "superAdmin")],
      ["platform", asPlatform(w, w.tenantA.id)],
    ];
    for (const [name, options] of viewers) {
      const incl = await call(t, "GET", `${BASE}?include_deleted=true`, options);
      assert.deepEqual(idsOf(incl), ids(c, other), name);
      const only = await call(t, "GET", `${BASE}?only_deleted=true`, options);
      assert.deepEqual(idsOf(only), ids(c), name);
      assert.equal(only.body.count, 1, name);
    }
    const otherBranch = await call(t, "GET", `${BASE}?only_deleted=true`, as(w, "branchAdminA1b"));
    assert.deepEqual(idsOf(otherBranch), [], "another branch's deleted clients stay hidden");
  });

  await s.step("a consultant asking for deleted clients gets 403", async () => {
    // Right after a branch admin of the same branch asked the same: its prepared
    // statement and cached count must not answer the consultant.
    for (const query of ["include_deleted=true", "only_deleted=true"]) {
      const admin = await call(t, "GET", `${BASE}?${query}`, as(w, "branchAdmin"));
      assert.equal(admin.status, 200, admin.text);
      assertError(await call(t, "GET", `${BASE}?${query}`, as(w, "consultant")), 403);
    }
    assertError(await call(t, "GET", `${BASE}?include_deleted=true`, as(w, "consultant")), 403);
    assertError(await call(t, "GET", `${BASE}?only_deleted=true`, as(w, "consultant")), 403);
  });

  await s.step("a consultant may not restore (403); a branch admin brings it back", async () => {
    const before = await counts(t);
    assertError(await call(t, "POST", `${path}/restore`, as(w, "consultant")), 403, "forbidden");
    assert.deepEqual(await counts(t), before);
    assert.notEqual((await clientRow(t, c.id)).deleted_at, null);
    const res = await call(t, "POST", `${path}/restore`, as(w, "branchAdmin"));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.deleted_at, null);
    const row = await clientRow(t, c.id);
    assert.equal(row.deleted_at, null);
    assert.equal(row.deleted_by, null);
    const seen = await call(t, "GET", path, as(w, "consultant"));
    assert.equal(seen.status, 200, seen.text);
  });

  await s.step("region and tenant managers delete and restore too", async () => {
    for (const who of ["regionManager", "countryManager", "superAdmin"] as const) {
      const del = await call(t, "DELETE", path, as(w, who));
      assert.equal(del.status, 204, `${who}: ${del.text}`);
      const back = await call(t, "POST", `${path}/restore`, as(w, who));
      assert.equal(back.status, 200, `${who}: ${back.text}`);
    }
  });

  t.close();
});

Deno.test("clients: a branch with a live client cannot be deleted, and a client cannot be restored into a deleted branch", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1b } = w.branches;
  const c = await createClient(t, as(w, "branchAdminA1b"), person());
  await deactivate(t, w, w.users.branchAdminA1b.id);
  await deactivate(t, w, w.users.consultantA1b.id);

  await s.step("deleting a branch with a live client is 409 branch_in_use", async () => {
    const res = await call(t, "DELETE", `/api/v1/branches/${A1b.id}`, as(w, "superAdmin"));
    assertError(res, 409, "branch_in_use");
    const [branch] = await t.db.all<Row>(sql`SELECT deleted_at FROM branches WHERE id = ${A1b.id}`);
    assert.equal(branch.deleted_at, null);
  });

  await s.step("restoring a client whose branch was deleted is 409 branch_deleted", async () => {
    const del = await call(t, "DELETE", `${BASE}/${c.id}`, as(w, "superAdmin"));
    assert.equal(del.status, 204, del.text);
    const delBranch = await call(t, "DELETE", `/api/v1/branches/${A1b.id}`, as(w, "superAdmin"));
    assert.equal(delBranch.status, 204, delBranch.text);
    const before = await counts(t);
    for (const who of ["superAdmin", "regionManager"] as const) {
      assertError(
        await call(t, "POST", `${BASE}/${c.id}/restore`, as(w, who)),
        409,
        "branch_deleted",
      );
    }
    assert.deepEqual(await counts(t), before);
    assert.notEqual((await clientRow(t, c.id)).deleted_at, null);
  });

  t.close();
});

Deno.test("clients: list filters, search and ordering", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a, B1a } = w.branches;
  const agentA1a = await createAgent(t, as(w, "branchAdmin"), { name: "Agent A1a" });
  const agentWide = await createAgent(t, as(w, "superAdmin"), { name: "Agent Wide" });
  const admin = as(w, "superAdmin");
  const make = async (body: Row): Promise<Row> => {
    t.advance(60_000);
    return await createClient(t, admin, body);
  };
  const c1 = await make({
    first_name: "Asha",
    last_name: "Karki",
    nationality: "NP",
    status: "active",
    branch_id: A1a.id,
    assigned_to: w.users.consultant.id,
    agent_id: agentA1a.id,
    visa_expiry_date: "2027-03-31",
    email: "asha.karki@example.com",
    phone: "+61 400 555 123",
    passport_number: "PA1234567",
  });
  const c2 = await make({
    first_name: "Bikash",
    last_name: "Shrestha",
    nationality: "NP",
    status: "prospect",
    branch_id: A1a.id,
    visa_expiry_date: "2027-04-01",
    email: "bikash@example.com",
    phone: "+61 411 000 111",
    passport_number: "PB7654321",
  });
  const c3 = await make({
    first_name: "Chen",
    last_name: "Wei",
    nationality: "CN",
    status: "active",
    branch_id: A1b.id,
    assigned_to: w.users.consultantA1b.id,
    agent_id: agentWide.id,
    visa_expiry_date: "2026-12-31",
    email: "chen.wei@example.com",
    passport_number: "E12345678",
  });
  const c4 = await make({
    first_name: "Dana",
    last_name: "O_Brien",
    nationality: "IN",
    branch_id: A2a.id,
  });
  const c5 = await make({
    first_name: "Eli",
    last_name: "OxBrien",
    nationality: "IN",
    status: "lost",
    branch_id: A2a.id,
    visa_expiry_date: "2027-03-30",
  });
  const c6 = await make({
    first_name: "Fay",
    last_name: "Per%cent",
    nationality: "AU",
    status: "on_hold",
    branch_id: A1a.id,
  });
  const c7 = await make({
    first_name: "Gus",
    last_name: "Percent",
    nationality: "AU",
    status: "completed",
    branch_id: A1a.id,
    visa_expiry_date: "2028-01-01",
  });
  await createClient(t, as(w, "superAdminB"), {
    first_name: "Asha",
    last_name: "Karki",
    nationality: "NP",
    status: "active",
    branch_id: B1a.id,
  });
  const all = [c1, c2, c3, c4, c5, c6, c7];
  const list = async (query: string, options: RequestOptions = admin): Promise<Res> =>
    await call(t, "GET", `${BASE}?${query}`, options);

  await s.step(
    "status, nationality (any case), branch_id, assigned_to and agent_id filter",
    async () => {
      const cases: [string, Row[]][] = [
        ["status=active", [c1, c3]],
        ["status=lead", [c4]],
        ["nationality=NP", [c1, c2]],
        ["nationality=np", [c1, c2]],
        ["nationality=au", [c6, c7]],
        [`branch_id=${A2a.id}`, [c4, c5]],
        [`branch_id=${B1a.id}`, []],
        [`assigned_to=${w.users.consultant.id}`, [c1]],
        [`assigned_to=${w.users.consultantA1b.id}`, [c3]],
        [`agent_id=${agentA1a.id}`, [c1]],
        [`agent_id=${agentWide.id}`, [c3]],
        [`status=active&branch_id=${A1b.id}`, [c3]],
        ["status=active&nationality=np", [c1]],
      ];
      for (const [query, rows] of cases) {
        const res = await list(query);
        assert.deepEqual(idsOf(res), ids(...rows), query);
        assert.equal(res.body.count, rows.length, query);
      }
    },
  );

  await s.step("visa_expiry_before and visa_expiry_after are inclusive", async () => {
    const cases: [string, Row[]][] = [
      ["visa_expiry_before=2027-03-31", [c1, c3, c5]],
      ["visa_expiry_before=2027-03-30", [c3, c5]],
      ["visa_expiry_after=2027-03-31", [c1, c2, c7]],
      ["visa_expiry_after=2027-04-01", [c2, c7]],
      ["visa_expiry_after=2027-03-31&visa_expiry_before=2027-04-01", [c1, c2]],
      ["visa_expiry_after=2027-03-31&visa_expiry_before=2027-03-31", [c1]],
    ];
    for (const [query, rows] of cases) {
      assert.deepEqual(idsOf(await list(query)), ids(...rows), query);
    }
  });

  await s.step("created_after and created_before are inclusive instants", async () => {
    const enc = (row: Row) => encodeURIComponent(String(row.created_at));
    const cases: [string, Row[]][] = [
      [`created_after=${enc(c5)}`, [c5, c6, c7]],
      [`created_before=${enc(c2)}`, [c1, c2]],
      [`created_after=${enc(c2)}&created_before=${enc(c4)}`, [c2, c3, c4]],
      ["created_after=2000-01-01T00:00:00Z", all],
      ["created_before=2000-01-01T00:00:00Z", []],
    ];
    for (const [query, rows] of cases) {
      assert.deepEqual(idsOf(await list(query)), ids(...rows), query);
    }
  });

  await s.step("search matches first and last name, email, phone and passport number", async () => {
    const cases: [string, Row[]][] = [
      ["asha", [c1]],
      ["KARKI", [c1]],
      ["bikash@example", [c2]],
      ["555 12", [c1]],
      ["+61 4", [c1, c2]],
      ["pb765", [c2]],
      ["E1234", [c3]],
      ["brien", [c4, c5]],
      ["nobody-by-this-name", []],
      // One field at a time: the end of one and the start of the next are not a match.
      ["ashakarki", []],
      ["karkiasha", []],
    ];
    for (const [term, rows] of cases) {
      const res = await list(`search=${encodeURIComponent(term)}`);
      assert.deepEqual(idsOf(res), ids(...rows), term);
    }
    const [row] = results(await list("search=asha"));
    assert.equal(row.search_text, undefined, "the searched text is not part of a client");
    // The fields are joined by U+001F: a term holding it would match every client.
    for (const term of ["\u001f", "asha\u001fkarki", "a\u0000"]) {
      assertError(await list(`search=${encodeURIComponent(term)}`), 422, "validation_error");
    }
  });

  await s.step("search with status=, and after an edit of a searched field", async () => {
    assert.deepEqual(idsOf(await list("search=example&status=active")), ids(c1, c3));
    assert.deepEqual(idsOf(await list("search=example&status=prospect")), ids(c2));
    assert.deepEqual(idsOf(await list("status=active&search=bikash")), []);
    const res = await call(t, "PATCH", `${BASE}/${c2.id}`, {
      ...admin,
      body: { last_name: "Gurung", status: "active" },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(idsOf(await list("search=shrestha")), []);
    assert.deepEqual(idsOf(await list("search=gurung&status=active")), ids(c2));
    const back = await call(t, "PATCH", `${BASE}/${c2.id}`, {
      ...admin,
      body: { last_name: "Shrestha", status: "prospect" },
    });
    assert.equal(back.status, 200, back.text);
  });

  await s.step("% and _ in a search term match themselves", async () => {
    const cases: [string, Row[]][] = [
      ["O_B", [c4]],
      ["_", [c4]],
      ["r%c", [c6]],
      ["%", [c6]],
      ["%cent", [c6]],
    ];
    for (const [term, rows] of cases) {
      const res = await list(`search=${encodeURIComponent(term)}`);
      assert.deepEqual(idsOf(res), ids(...rows), term);
    }
  });

  await s.step("filters and search never reach outside the scope", async () => {
    assert.deepEqual(idsOf(await list("search=chen", as(w, "consultant"))), []);
    assert.deepEqual(idsOf(await list(`branch_id=${A1b.id}`, as(w, "consultant"))), []);
    assert.deepEqual(idsOf(await list("nationality=np", as(w, "consultant"))), ids(c1, c2));
    assert.equal(idsOf(await list("search=karki", as(w, "superAdminB"))).length, 1);
    assert.ok(!idsOf(await list("search=karki", as(w, "superAdminB"))).includes(String(c1.id)));
  });

  await s.step("ordering by last_name and by -created_at (the default)", async () => {
    const byName = [...all].sort((a, b) =>
      String(a.last_name) < String(b.last_name)
        ? -1
        : String(a.last_name) > String(b.last_name)
        ? 1
        : 0
    ).map((r) => r.id);
    const names = (res: Res) => results(res).map((r) => r.id);
    assert.deepEqual(names(await list("ordering=last_name")), byName);
    assert.deepEqual(names(await list("ordering=-last_name")), [...byName].reverse());
    const newest = [...all].reverse().map((r) => r.id);
    assert.deepEqual(names(await list("")), newest);
    assert.deepEqual(names(await list("ordering=-created_at")), newest);
    assert.deepEqual(names(await list("ordering=created_at")), all.map((r) => r.id));
  });

  await s.step("page numbers: count, next, previous and an empty page past the end", async () => {
    const first = await list("page_size=3");
    assert.equal(first.body.count, 7);
    assert.equal(results(first).length, 3);
    assert.equal(first.body.previous, null);
    assert.equal(typeof first.body.next, "string");
    const second = await call(t, "GET", relative(String(first.body.next)), admin);
    assert.equal(new URL(String(first.body.next)).searchParams.get("page"), "2");
    assert.equal(results(second).length, 3);
    assert.equal(typeof second.body.previous, "string");
    const third = await list("page_size=3&page=3");
    assert.deepEqual(results(third).map((r) => r.id), [c1.id]);
    assert.equal(third.body.next, null);
    // The short last page tells the count itself; the page past the end cannot.
    assert.equal(third.body.count, 7);
    const past = await list("page_size=3&page=4");
    assert.deepEqual(results(past), []);
    assert.equal(past.body.count, 7);
    const none = await list("page_size=3&search=nobody-by-that-name");
    assert.deepEqual([results(none).length, none.body.count, none.body.next], [0, 0, null]);
  });

  await s.step(
    "a known filter with a bad value is 422; an unknown parameter is ignored",
    async () => {
      const bad = [
        "status=bogus",
        "visa_expiry_before=2026-13-01",
        "visa_expiry_after=2026-02-30",
        "visa_expiry_before=31-12-2026",
        "created_after=yesterday",
        "created_before=2026-01-01",
        "nationality=NPL",
        "nationality=1",
        "ordering=password_hash",
        "lead_source=nowhere",
        "page=0",
        "page_size=abc",
        "include_deleted=yes",
      ];
      for (const query of bad) assertError(await list(query), 422, "validation_error");
      assert.deepEqual(idsOf(await list("colour=blue")), ids(...all));
    },
  );

  t.close();
});

Deno.test("clients: a cursor walk sees every row exactly once while clients are added", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const admin = as(w, "superAdmin");
  const branches = [w.branches.A1a, w.branches.A1b, w.branches.A2a];
  const original: Row[] = [];
  for (let i = 0; i < 23; i++) {
    // Runs of rows share a millisecond, so ties on created_at are broken by id.
    if (i % 4 === 0) t.advance(1);
    original.push(
      await createClient(t, admin, {
        first_name: `First${i}`,
        last_name: `M-${String(i % 7).padStart(2, "0")}`,
        branch_id: branches[i % 3].id,
      }),
    );
  }
  const originalIds = new Set(original.map((r) => String(r.id)));

  /** Follows `next` from `start`, calling `between` after the first page. */
  const walk = async (start: string, options: RequestOptions, between: () => Promise<Row[]>) => {
    const seen: string[] = [];
    let added: Row[] = [];
    let path: string | null = start;
    let pages = 0;
    while (path) {
      const res = await call(t, "GET", path, options);
      assert.equal(res.body.count, null, "cursor pages carry no count");
      assert.equal(res.body.previous, null);
      seen.push(...results(res).map((r) => String(r.id)));
      pages++;
      if (pages === 1) added = await between();
      path = res.body.next === null ? null : relative(String(res.body.next));
      assert.ok(pages < 50, "the walk does not end");
    }
    return { seen, added, pages };
  };

  await s.step(
    "newest first: every original row once; rows added meanwhile sort before the cursor",
    async () => {
      const { seen, added, pages } = await walk(`${BASE}?cursor=&page_size=5`, admin, async () => {
        const rows: Row[] = [];
        for (const branch of branches) {
          t.advance(1);
          rows.push(await createClient(t, admin, person({ branch_id: branch.id })));
        }
        return rows;
      });
      assert.equal(new Set(seen).size, seen.length, "no row repeated");
      assert.deepEqual([...seen].sort(), [...originalIds].sort());
      assert.ok(added.every((r) => !seen.includes(String(r.id))));
      assert.equal(pages, 5);
    },
  );

  await s.step(
    "by last_name: rows added after the cursor are seen once, before it not at all",
    async () => {
      const existing = (await t.db.all<{ id: string }>(
        sql`SELECT id FROM clients WHERE tenant_id = ${w.tenantA.id} AND deleted_at IS NULL`,
      )).map((r) => r.id);
      const { seen, added } = await walk(
        `${BASE}?cursor=&page_size=4&ordering=last_name`,
        admin,
        async () => [
          await createClient(t, admin, person({ last_name: "A-early", branch_id: branches[0].id })),
          await createClient(t, admin, person({ last_name: "M-03", branch_id: branches[1].id })),
          await createClient(t, admin, person({ last_name: "Z-late", branch_id: branches[2].id })),
          await createClient(t, admin, person({ last_name: "Z-later", branch_id: branches[0].id })),
        ],
      );
      assert.equal(new Set(seen).size, seen.length, "no row repeated");
      for (const id of existing) assert.ok(seen.includes(id), `existing ${id} missed`);
      const [early, ...after] = added;
      assert.ok(!seen.includes(String(early.id)), "a row sorting before the cursor is not seen");
      for (const row of after) {
        assert.ok(seen.includes(String(row.id)), `${row.last_name} sorts after the cursor`);
      }
      assert.equal(seen.length, existing.length + after.length);
    },
  );

  await s.step("a cursor walk stays in the caller's scope", async () => {
    const { seen } = await walk(
      `${BASE}?cursor=&page_size=3`,
      as(w, "consultantA1b"),
      () => Promise.resolve([]),
    );
    const inA1b = (await t.db.all<{ id: string }>(
      sql`SELECT id FROM clients WHERE branch_id = ${w.branches.A1b.id} AND deleted_at IS NULL`,
    )).map((r) => r.id);
    assert.deepEqual([...seen].sort(), inA1b.sort());
  });

  await s.step("a garbage cursor or one of another ordering is 422", async () => {
    const first = await call(t, "GET", `${BASE}?cursor=&page_size=2`, admin);
    const cursor = new URL(String(first.body.next)).searchParams.get("cursor");
    assert.ok(cursor);
    assertError(
      await call(t, "GET", `${BASE}?cursor=${cursor}&ordering=last_name`, admin),
      422,
    );
    assertError(await call(t, "GET", `${BASE}?cursor=not-a-cursor`, admin), 422);
  });

  t.close();
});

Deno.test("clients: bad bodies are refused and leave nothing behind", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const writer = as(w, "branchAdmin");
  const c = await createClient(t, writer, person());
  const original = await clientRow(t, c.id);

  const unchanged = async (before: Record<string, number>) => {
    assert.deepEqual(await counts(t), before);
    assert.deepEqual(await clientRow(t, c.id), original);
  };

  await s.step("invalid values are 422 on create and on update", async () => {
    const before = await counts(t);
    const bad: Row[] = [
      { nationality: "NPL" },
      { nationality: "N" },
      { nationality: "1A" },
      { date_of_birth: "2026-02-30" },
      { date_of_birth: "2026-13-01" },
      { date_of_birth: "01/02/1998" },
      { passport_expiry_date: "2026-02-29" },
      { visa_expiry_date: "2027-3-31" },
      { visa_expiry_date: "2027-03-31T00:00:00Z" },
      { email: "not-an-email" },
      { email: "asha@" },
      { status: "bogus" },
      { gender: "robot" },
      { lead_source: "billboard" },
      { first_name: "   " },
      { first_name: "" },
      { notes: "x".repeat(5001) },
      { phone: 12345 },
    ];
    for (const fields of bad) {
      assertError(
        await call(t, "POST", BASE, { ...writer, body: person(fields) }),
        422,
        "validation_error",
      );
      assertError(
        await call(t, "PATCH", `${BASE}/${c.id}`, { ...writer, body: fields }),
        422,
        "validation_error",
      );
    }
    assertError(await call(t, "POST", BASE, { ...writer, body: { last_name: "Karki" } }), 422);
    await unchanged(before);
  });

  await s.step("unknown fields are 422: no mass assignment", async () => {
    const before = await counts(t);
    const extras: Row[] = [
      { tenant_id: w.tenantB.id },
      { created_by: w.users.superAdmin.id },
      { deleted_at: "2026-01-01T00:00:00.000Z" },
      { deleted_by: w.users.superAdmin.id },
      { id: UNKNOWN_ID },
      { created_at: "2020-01-01T00:00:00.000Z" },
      { updated_by: w.users.superAdmin.id },
      { region_id: w.regions.A2.id },
    ];
    for (const extra of extras) {
      assertError(await call(t, "POST", BASE, { ...writer, body: person(extra) }), 422);
      assertError(await call(t, "PATCH", `${BASE}/${c.id}`, { ...writer, body: extra }), 422);
    }
    await unchanged(before);
  });

  await s.step("malformed JSON is 400 and a text/plain body 415", async () => {
    const before = await counts(t);
    const json = { "content-type": "application/json" };
    assertError(
      await call(t, "POST", BASE, { ...writer, rawBody: '{"first_name": "A",', headers: json }),
      400,
      "malformed_json",
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${c.id}`, { ...writer, rawBody: "{notes:", headers: json }),
      400,
      "malformed_json",
    );
    const text = { "content-type": "text/plain" };
    assertError(
      await call(t, "POST", BASE, {
        ...writer,
        rawBody: JSON.stringify(person()),
        headers: text,
      }),
      415,
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${c.id}`, {
        ...writer,
        rawBody: JSON.stringify({ notes: "x" }),
        headers: text,
      }),
      415,
    );
    await unchanged(before);
  });

  await s.step(
    "values are normalised: country upper-case, email lower-case, passport upper-case",
    async () => {
      const made = await createClient(
        t,
        writer,
        person({ nationality: " np ", email: "Asha.Karki@Example.COM", passport_number: "pa12" }),
      );
      assert.equal(made.nationality, "NP");
      assert.equal(made.email, "asha.karki@example.com");
      assert.equal(made.passport_number, "PA12");
    },
  );

  t.close();
});

Deno.test("clients: a body over the size limit is 413 and writes nothing", async (s) => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);
  const writer = as(w, "branchAdmin");
  const c = await createClient(t, writer, person());
  const original = await clientRow(t, c.id);

  await s.step("an oversize create or update is 413", async () => {
    const before = await counts(t);
    const notes = "x".repeat(2000);
    assertError(
      await call(t, "POST", BASE, { ...writer, body: person({ notes }) }),
      413,
      "payload_too_large",
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${c.id}`, { ...writer, body: { notes } }),
      413,
      "payload_too_large",
    );
    assert.deepEqual(await counts(t), before);
    assert.deepEqual(await clientRow(t, c.id), original);
  });

  await s.step("a body under the limit still goes through", async () => {
    const res = await call(t, "PATCH", `${BASE}/${c.id}`, {
      ...writer,
      body: { notes: "x".repeat(500) },
    });
    assert.equal(res.status, 200, res.text);
  });

  t.close();
});

Deno.test("clients: every create, update, delete and restore writes exactly one audit row", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  let clientId = "";

  const expectOne = async (
    before: AuditRow[],
    action: string,
    actorId: string,
  ): Promise<AuditRow> => {
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1, `${action}: ${JSON.stringify(rows)}`);
    const [row] = rows;
    assert.equal(row.action, action);
    assert.equal(row.entity_type, "client");
    assert.equal(row.entity_id, clientId);
    assert.equal(row.actor_id, actorId);
    assert.equal(row.tenant_id, w.tenantA.id);
    assert.equal(typeof row.request_id, "string");
    return row;
  };

  await s.step("create: one row whose after is the new client", async () => {
    const before = await allAudit(t);
    const c = await createClient(t, as(w, "consultant"), person({ nationality: "NP" }));
    clientId = String(c.id);
    const row = await expectOne(before, "create", w.users.consultant.id);
    assert.equal(row.actor_role, "consultant");
    assert.equal(row.before, null);
    assert.deepEqual(row.after, c);
  });

  await s.step("update: before/after hold only the changed fields", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${clientId}`, {
      ...as(w, "consultant"),
      body: { first_name: "Asha", nationality: "np", status: "active", notes: "Called." },
    });
    assert.equal(res.status, 200, res.text);
    const row = await expectOne(before, "update", w.users.consultant.id);
    assert.deepEqual(row.before, { status: "lead", notes: "" });
    assert.deepEqual(row.after, { status: "active", notes: "Called." });
  });

  await s.step("a move records the branch and assignee it changed", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${clientId}`, {
      ...as(w, "regionManager"),
      body: { branch_id: w.branches.A1b.id, assigned_to: w.users.consultantA1b.id },
    });
    assert.equal(res.status, 200, res.text);
    const row = await expectOne(before, "update", w.users.regionManager.id);
    assert.deepEqual(row.before, {
      branch_id: w.branches.A1a.id,
      assigned_to: w.users.consultant.id,
    });
    assert.deepEqual(row.after, {
      branch_id: w.branches.A1b.id,
      assigned_to: w.users.consultantA1b.id,
    });
  });

  await s.step("delete and restore: one row each, holding deleted_at", async () => {
    let before = await allAudit(t);
    const del = await call(t, "DELETE", `${BASE}/${clientId}`, as(w, "superAdmin"));
    assert.equal(del.status, 204, del.text);
    const deleted = await expectOne(before, "delete", w.users.superAdmin.id);
    const deletedAt = (await clientRow(t, clientId)).deleted_at;
    assert.equal(typeof deletedAt, "string");
    assert.deepEqual(deleted.before, { deleted_at: null });
    assert.deepEqual(deleted.after, { deleted_at: deletedAt });

    before = await allAudit(t);
    const res = await call(t, "POST", `${BASE}/${clientId}/restore`, as(w, "branchAdminA1b"));
    assert.equal(res.status, 200, res.text);
    const restored = await expectOne(before, "restore", w.users.branchAdminA1b.id);
    assert.deepEqual(restored.before, { deleted_at: deletedAt });
    assert.deepEqual(restored.after, { deleted_at: null });
  });

  await s.step("the platform admin's create is audited under its own id", async () => {
    const before = await allAudit(t);
    const c = await createClient(
      t,
      asPlatform(w, w.tenantA.id),
      person({ branch_id: w.branches.A2a.id }),
    );
    clientId = String(c.id);
    const row = await expectOne(before, "create", w.users.platform.id);
    assert.deepEqual(row.after, c);
  });

  await s.step("refused writes leave no audit row", async () => {
    const before = await allAudit(t);
    assertError(
      await call(t, "PATCH", `${BASE}/${clientId}`, {
        ...as(w, "consultant"),
        body: { notes: "x" },
      }),
      404,
    );
    assertError(await call(t, "DELETE", `${BASE}/${clientId}`, as(w, "consultantA2a")), 403);
    assertError(
      await call(t, "POST", BASE, { ...as(w, "consultant"), body: person({ email: "bad" }) }),
      422,
    );
    assert.deepEqual(await newAudit(t, before), []);
  });

  t.close();
});

/** A scope as the auth middleware derives it, for building the selectors' queries. */
function scopeFor(
  w: World,
  who: "superAdmin" | "regionManager" | "consultant",
): TenantScope {
  const user = w.users[who];
  const actor = {
    userId: user.id,
    role: user.role,
    tenantId: user.tenant_id,
    regionId: user.region_id,
    branchId: user.branch_id,
    sessionId: "explain",
  };
  const tenantId = w.tenantA.id;
  if (who === "superAdmin") return { level: "tenant", tenantId, actor, viaPlatform: false };
  if (who === "regionManager") {
    return { level: "region", tenantId, regionId: w.regions.A1.id, actor };
  }
  return {
    level: "branch",
    tenantId,
    regionId: w.regions.A1.id,
    branchId: w.branches.A1a.id,
    actor,
  };
}

Deno.test("clients: the list queries use indexes, not a scan of 50,000 clients", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const db = t.db;
  const TOTAL = 50_000;
  const CHUNK = 500;
  const places = [
    { branch: w.branches.A1a.id, staff: [w.users.consultant.id, w.users.branchAdmin.id, null] },
    { branch: w.branches.A1b.id, staff: [w.users.consultantA1b.id, null] },
    { branch: w.branches.A2a.id, staff: [w.users.consultantA2a.id, null] },
  ];
  const statuses = ["lead", "prospect", "active", "on_hold", "completed", "lost"] as const;
  const start = Date.parse("2025-01-01T00:00:00.000Z");

  await s.step("50,000 clients are inserted in one tenant", async () => {
    for (let offset = 0; offset < TOTAL; offset += CHUNK) {
      const rows: (typeof clients.$inferInsert)[] = [];
      for (let i = offset; i < offset + CHUNK; i++) {
        const place = places[i % places.length];
        const at = new Date(start + i * 1000).toISOString();
        const day = new Date(start + (i % 1500) * 86_400_000).toISOString().slice(0, 10);
        rows.push({
          id: uuidv7(start + i * 1000),
          tenant_id: w.tenantA.id,
          branch_id: place.branch,
          assigned_to: place.staff[Math.floor(i / 3) % place.staff.length],
          first_name: `First${i}`,
          last_name: `Last${i % 997}`,
          email: `client${i}@example.com`,
          nationality: i % 2 ? "NP" : "IN",
          visa_expiry_date: i % 5 ? day : null,
          status: statuses[Math.floor(i / 3) % statuses.length],
          created_at: at,
          updated_at: at,
          deleted_at: i % 100 === 0 ? at : null,
        });
      }
      await db.insert(clients).values(rows);
    }
    assert.equal(await countRows(db, "clients"), TOTAL);
  });

  const tenant = scopeFor(w, "superAdmin");
  const region = scopeFor(w, "regionManager");
  const branch = scopeFor(w, "consultant");
  /** The `where` listClients builds: scope, live rows, then the filters. */
  const where = (scope: TenantScope, ...filters: (SQL | undefined)[]) =>
    and(clientsInScope(scope, db), deletedFilter(scope, {}, clients.deleted_at), ...filters);
  /** A page as paginate asks for it, newest first. */
  const page = (condition: SQL | undefined) =>
    db.select().from(clients).where(condition).orderBy(desc(clients.created_at), desc(clients.id))
      .limit(26).offset(0);
  const cursor = { v: new Date(start + 25_000_000).toISOString(), id: uuidv7(start + 25_000_000) };
  const queries: [string, { getSQL(): SQL }][] = [
    ["tenant-wide newest-first page", page(where(tenant))],
    ["branch-scoped page", page(where(branch))],
    ["region-scoped page", page(where(region))],
    ["status filter", page(where(tenant, eq(clients.status, "active")))],
    ["visa_expiry_before filter", page(where(tenant, lte(clients.visa_expiry_date, "2025-06-30")))],
    ["assigned_to filter", page(where(tenant, eq(clients.assigned_to, w.users.consultant.id)))],
    [
      "tenant-wide cursor page",
      page(and(
        where(tenant),
        or(
          lt(clients.created_at, cursor.v),
          and(eq(clients.created_at, cursor.v), lt(clients.id, cursor.id)),
        ),
      )),
    ],
    [
      "last_name ordering page",
      db.select().from(clients).where(where(tenant)).orderBy(
        asc(clients.last_name),
        asc(clients.id),
      )
        .limit(26).offset(0),
    ],
    ["tenant count", db.select({ n: count() }).from(clients).where(where(tenant))],
    ["region count", db.select({ n: count() }).from(clients).where(where(region))],
    ["branch count", db.select({ n: count() }).from(clients).where(where(branch))],
    [
      "status count",
      db.select({ n: count() }).from(clients).where(where(tenant, eq(clients.status, "active"))),
    ],
  ];

  const plans = () => tableScans(db, "clients", queries);

  await s.step("no list query scans the clients table (no statistics)", async () => {
    assert.deepEqual(await plans(), []);
  });

  await s.step("no list query scans the clients table after ANALYZE", async () => {
    await db.run(sql`ANALYZE`);
    assert.deepEqual(await plans(), []);
  });

  await s.step("the selectors' own list answers over the big table", async () => {
    const res = await call(t, "GET", `${BASE}?page_size=5&status=active`, as(w, "regionManager"));
    assert.equal(results(res).length, 5);
    assert.equal(typeof res.body.count, "number");
  });

  t.close();
});

Deno.test("writes racing a delete: the later one is a 404 and the client stays deleted", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const admin = { token: w.tokens.branchAdmin };
  const made = await call(t, "POST", BASE, {
    token: w.tokens.consultant,
    body: { first_name: "Race", last_name: "Condition" },
  });
  const path = `${BASE}/${made.body.id}`;
  const deleteIt = () => call(t, "DELETE", path, admin);

  await s.step("an edit whose batch lands after a delete is refused, not a revival", async () => {
    beforeNextBatch(t, deleteIt);
    const edit = await call(t, "PATCH", path, { ...admin, body: { phone: "+61 400 000 000" } });
    assertError(edit, 404);
    const row = await call(t, "GET", `${BASE}?only_deleted=true`, admin);
    assert.deepEqual(idsOf(row), [made.body.id]);
  });

  await s.step("a second delete or restore racing the first writes one audit entry", async () => {
    const restore = () => call(t, "POST", `${path}/restore`, admin);
    beforeNextBatch(t, restore);
    assertError(await restore(), 404);
    const entries = (await allAudit(t)).filter((e) =>
      e.entity_id === made.body.id && e.action === "restore"
    );
    assert.equal(entries.length, 1);
  });
  t.close();
});

Deno.test("a client's agent and the platform admin's missing tenant", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const admin = { token: w.tokens.superAdmin };
  const agentOf = async (branchId: string | null) => {
    const res = await call(t, "POST", "/api/v1/agents", {
      ...admin,
      body: { name: `Agent ${branchId}`, branch_id: branchId },
    });
    assert.equal(res.status, 201, res.text);
    return String(res.body.id);
  };
  const elsewhere = await agentOf(w.branches.A1b.id);
  const tenantWide = await agentOf(null);

  await s.step(
    "a client may name a tenant-wide agent or one of its branch, not another branch's",
    async () => {
      const body = { first_name: "Mei", last_name: "Lin", branch_id: w.branches.A1a.id };
      const refused = await call(t, "POST", BASE, {
        ...admin,
        body: { ...body, agent_id: elsewhere },
      });
      assertError(refused, 422, "validation_error");
      const ok = await call(t, "POST", BASE, { ...admin, body: { ...body, agent_id: tenantWide } });
      assert.equal(ok.status, 201, ok.text);
    },
  );

  await s.step("the platform admin without X-Tenant-ID gets 400 whatever the body", async () => {
    for (const body of [{ first_name: 42 }, { first_name: "Ok", last_name: "Body" }]) {
      assertError(
        await call(t, "POST", BASE, { token: w.tokens.platform, body }),
        400,
        "tenant_required",
      );
    }
    assertError(
      await call(t, "GET", `${BASE}?page_size=nope`, { token: w.tokens.platform }),
      400,
      "tenant_required",
    );
  });
  t.close();
});
