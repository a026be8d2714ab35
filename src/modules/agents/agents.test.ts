/**
 * Black-box tests of /api/v1/agents: who reads which agents (branch agents in
 * scope plus the tenant-wide ones), who writes them (branch_admin and up;
 * tenant-wide ones only super_admin and country_manager), tenant isolation, soft
 * delete and restore, bad input, and the one audit row each write leaves.
 * @module
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import {
  allAudit,
  asPlatform,
  assertError,
  type AuditRow,
  buildWorld,
  call,
  countRows,
  createTestApp,
  idsOf,
  newAudit,
  type RequestOptions,
  sorted,
  tableCounts,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/agents";
const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000dead";

type Row = Record<string, unknown>;

function as(w: World, who: Who): RequestOptions {
  return { token: w.tokens[who] };
}

async function createAgent(t: TestApp, options: RequestOptions, body: Row): Promise<Row> {
  const res = await call(t, "POST", BASE, { ...options, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Row counts of every table a refused agent write could touch. */
async function counts(t: TestApp): Promise<Record<string, number>> {
  return {
    ...(await tableCounts(t.db)),
    agents: await countRows(t.db, "agents"),
    clients: await countRows(t.db, "clients"),
  };
}

async function agentRow(t: TestApp, id: string): Promise<Row> {
  const rows = await t.db.all<Row>(sql`SELECT * FROM agents WHERE id = ${id}`);
  assert.equal(rows.length, 1, `agent ${id} not stored`);
  return rows[0];
}

/**
 * One agent per place: tenant-wide (tw), one per branch of tenant A, and a
 * tenant-wide and a branch agent in tenant B.
 */
async function agentWorld(t: TestApp, w: World) {
  const tw = await createAgent(t, as(w, "superAdmin"), { name: "Tenant Wide A" });
  const a1a = await createAgent(t, as(w, "branchAdmin"), { name: "Agent A1a" });
  const a1b = await createAgent(t, as(w, "branchAdminA1b"), { name: "Agent A1b" });
  const a2a = await createAgent(t, as(w, "superAdmin"), {
    name: "Agent A2a",
    branch_id: w.branches.A2a.id,
  });
  const bTw = await createAgent(t, as(w, "superAdminB"), { name: "Tenant Wide B" });
  const b1a = await createAgent(t, as(w, "branchAdminB"), { name: "Agent B1a" });
  return { tw, a1a, a1b, a2a, bTw, b1a };
}

Deno.test("agents: every role reads the agents of its branches plus the tenant-wide ones", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);
  const id = (row: Row) => String(row.id);

  await s.step(
    "a branch admin's agent defaults to its branch; a tenant manager's is tenant-wide",
    () => {
      assert.equal(g.a1a.branch_id, w.branches.A1a.id);
      assert.equal(g.a1b.branch_id, w.branches.A1b.id);
      assert.equal(g.tw.branch_id, null);
      assert.equal(g.tw.tenant_id, w.tenantA.id);
      assert.equal(g.bTw.tenant_id, w.tenantB.id);
    },
  );

  await s.step(
    "each role lists exactly its branches' agents and its tenant's tenant-wide ones",
    async () => {
      const all = [id(g.tw), id(g.a1a), id(g.a1b), id(g.a2a)];
      const expected: [Who, string[]][] = [
        ["superAdmin", all],
        ["countryManager", all],
        ["regionManager", [id(g.tw), id(g.a1a), id(g.a1b)]],
        ["regionManagerA2", [id(g.tw), id(g.a2a)]],
        ["branchAdmin", [id(g.tw), id(g.a1a)]],
        ["consultant", [id(g.tw), id(g.a1a)]],
        ["branchAdminA1b", [id(g.tw), id(g.a1b)]],
        ["consultantA1b", [id(g.tw), id(g.a1b)]],
        ["consultantA2a", [id(g.tw), id(g.a2a)]],
        ["superAdminB", [id(g.bTw), id(g.b1a)]],
        ["consultantB", [id(g.bTw), id(g.b1a)]],
      ];
      for (const [who, ids] of expected) {
        const res = await call(t, "GET", BASE, as(w, who));
        assert.deepEqual(idsOf(res), sorted(...ids), who);
        assert.equal(res.body.count, ids.length, who);
      }
    },
  );

  await s.step(
    "the platform admin reads a tenant's agents only when it names the tenant",
    async () => {
      assert.deepEqual(
        idsOf(await call(t, "GET", BASE, asPlatform(w, w.tenantA.id))),
        sorted(id(g.tw), id(g.a1a), id(g.a1b), id(g.a2a)),
      );
      assertError(await call(t, "GET", BASE, as(w, "platform")), 400, "tenant_required");
      assertError(
        await call(t, "GET", `${BASE}/${id(g.tw)}`, as(w, "platform")),
        400,
        "tenant_required",
      );
    },
  );

  await s.step("GET of an agent in scope answers it, outside scope 404", async () => {
    const visible: [Who, Row][] = [
      ["consultant", g.tw],
      ["consultant", g.a1a],
      ["consultantA2a", g.tw],
      ["regionManager", g.a1b],
      ["superAdmin", g.a2a],
    ];
    for (const [who, agent] of visible) {
      const res = await call(t, "GET", `${BASE}/${id(agent)}`, as(w, who));
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.id, agent.id);
    }
    const hidden: [Who, Row][] = [
      ["consultant", g.a1b],
      ["consultant", g.a2a],
      ["branchAdmin", g.a1b],
      ["regionManager", g.a2a],
      ["regionManagerA2", g.a1a],
      ["consultant", g.bTw],
      ["superAdmin", g.bTw],
      ["superAdmin", g.b1a],
      ["superAdminB", g.tw],
      ["consultantB", g.a1a],
    ];
    for (const [who, agent] of hidden) {
      assertError(await call(t, "GET", `${BASE}/${id(agent)}`, as(w, who)), 404, "not_found");
    }
    assertError(
      await call(t, "GET", `${BASE}/${id(g.tw)}`, asPlatform(w, w.tenantB.id)),
      404,
      "not_found",
    );
  });

  await s.step("an unknown or malformed id is 404", async () => {
    assertError(await call(t, "GET", `${BASE}/${UNKNOWN_ID}`, as(w, "superAdmin")), 404);
    assertError(await call(t, "GET", `${BASE}/not-a-uuid`, as(w, "superAdmin")), 404);
  });

  await s.step("branch_id and search narrow the list, inside the scope only", async () => {
    const byBranch = await call(t, "GET", `${BASE}?branch_id=${w.branches.A1b.id}`, {
      ...as(w, "superAdmin"),
    });
    assert.deepEqual(idsOf(byBranch), [id(g.a1b)]);
    const outside = await call(t, "GET", `${BASE}?branch_id=${w.branches.B1a.id}`, {
      ...as(w, "superAdmin"),
    });
    assert.deepEqual(idsOf(outside), []);
    const search = await call(t, "GET", `${BASE}?search=wide`, as(w, "consultant"));
    assert.deepEqual(idsOf(search), [id(g.tw)]);
  });

  await s.step("the list works with a trailing slash", async () => {
    const res = await call(t, "GET", `${BASE}/`, as(w, "consultant"));
    assert.deepEqual(idsOf(res), sorted(id(g.tw), id(g.a1a)));
  });

  t.close();
});

Deno.test("agents: branch_admin and up create, edit, delete and restore; a consultant gets 403", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);

  await s.step(
    "a consultant may not create, edit, delete or restore an agent it can see",
    async () => {
      const before = await counts(t);
      const audit = await allAudit(t);
      assertError(
        await call(t, "POST", BASE, { ...as(w, "consultant"), body: { name: "Nope" } }),
        403,
        "forbidden",
      );
      for (const agent of [g.a1a, g.tw]) {
        assertError(
          await call(t, "PATCH", `${BASE}/${agent.id}`, {
            ...as(w, "consultant"),
            body: { name: "Renamed" },
          }),
          403,
          "forbidden",
        );
        assertError(await call(t, "DELETE", `${BASE}/${agent.id}`, as(w, "consultant")), 403);
      }
      const del = await call(t, "DELETE", `${BASE}/${g.a1a.id}`, as(w, "branchAdmin"));
      assert.equal(del.status, 204, del.text);
      const auditAfterDelete = await allAudit(t);
      assertError(
        await call(t, "POST", `${BASE}/${g.a1a.id}/restore`, as(w, "consultant")),
        403,
        "forbidden",
      );
      assert.deepEqual(await newAudit(t, auditAfterDelete), []);
      assert.notEqual((await agentRow(t, String(g.a1a.id))).deleted_at, null);
      assert.equal((await agentRow(t, String(g.tw.id))).name, "Tenant Wide A");
      assert.equal((await newAudit(t, audit)).length, 1, "only the branch admin's delete");
      assert.deepEqual(await counts(t), { ...before, audit_logs: before.audit_logs + 1 });
    },
  );

  await s.step(
    "a branch admin creates in its own branch, edits, deletes and restores",
    async () => {
      const agent = await createAgent(t, as(w, "branchAdmin"), {
        name: "Ramesh Thapa",
        company: "Everest Education",
        email: "Ramesh@Everest.example",
        phone: "+977 1 555 0101",
        commission_percent: 12.5,
      });
      assert.equal(agent.branch_id, w.branches.A1a.id);
      assert.equal(agent.email, "ramesh@everest.example");
      assert.equal(agent.commission_percent, 12.5);
      assert.equal(agent.created_by, w.users.branchAdmin.id);
      const explicit = await createAgent(t, as(w, "branchAdmin"), {
        name: "Explicit Branch",
        branch_id: w.branches.A1a.id,
      });
      assert.equal(explicit.branch_id, w.branches.A1a.id);

      const patched = await call(t, "PATCH", `${BASE}/${agent.id}`, {
        ...as(w, "branchAdmin"),
        body: { commission_percent: 15, company: "Everest Edu" },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.commission_percent, 15);
      assert.equal(patched.body.company, "Everest Edu");
      assert.equal(patched.body.name, "Ramesh Thapa");
      assert.equal((await agentRow(t, String(agent.id))).commission_percent, 15);

      const del = await call(t, "DELETE", `${BASE}/${agent.id}`, as(w, "branchAdmin"));
      assert.equal(del.status, 204, del.text);
      assertError(await call(t, "GET", `${BASE}/${agent.id}`, as(w, "branchAdmin")), 404);
      const restored = await call(t, "POST", `${BASE}/${agent.id}/restore`, as(w, "branchAdmin"));
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.body.deleted_at, null);
      const again = await call(t, "GET", `${BASE}/${agent.id}`, as(w, "consultant"));
      assert.equal(again.status, 200, again.text);
    },
  );

  await s.step(
    "a branch admin cannot create in or reach another branch's agents (404)",
    async () => {
      const before = await counts(t);
      assertError(
        await call(t, "POST", BASE, {
          ...as(w, "branchAdmin"),
          body: { name: "Elsewhere", branch_id: w.branches.A1b.id },
        }),
        404,
      );
      assertError(
        await call(t, "POST", BASE, {
          ...as(w, "branchAdmin"),
          body: { name: "Elsewhere", branch_id: w.branches.B1a.id },
        }),
        404,
      );
      assertError(
        await call(t, "PATCH", `${BASE}/${g.a1b.id}`, {
          ...as(w, "branchAdmin"),
          body: { name: "Hijack" },
        }),
        404,
      );
      assertError(await call(t, "DELETE", `${BASE}/${g.a1b.id}`, as(w, "branchAdmin")), 404);
      assertError(
        await call(t, "PATCH", `${BASE}/${g.a1a.id}`, {
          ...as(w, "branchAdmin"),
          body: { branch_id: w.branches.A1b.id },
        }),
        404,
      );
      assert.deepEqual(await counts(t), before);
      assert.equal((await agentRow(t, String(g.a1b.id))).name, "Agent A1b");
      assert.equal((await agentRow(t, String(g.a1b.id))).deleted_at, null);
    },
  );

  await s.step("the platform admin writes agents only when it names the tenant", async () => {
    const before = await counts(t);
    assertError(
      await call(t, "POST", BASE, { ...as(w, "platform"), body: { name: "No tenant" } }),
      400,
      "tenant_required",
    );
    assert.deepEqual(await counts(t), before);
    const made = await createAgent(t, asPlatform(w, w.tenantA.id), { name: "Platform Made" });
    assert.equal(made.tenant_id, w.tenantA.id);
    assert.equal(made.branch_id, null);
  });

  t.close();
});

Deno.test("agents: tenant-wide agents are created and changed only by super_admin and country_manager", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);

  await s.step("super_admin and country_manager create tenant-wide agents", async () => {
    const bySuper = await createAgent(t, as(w, "superAdmin"), { name: "Wide 1", branch_id: null });
    assert.equal(bySuper.branch_id, null);
    const byCountry = await createAgent(t, as(w, "countryManager"), { name: "Wide 2" });
    assert.equal(byCountry.branch_id, null);
    const res = await call(t, "GET", `${BASE}/${byCountry.id}`, as(w, "consultantA2a"));
    assert.equal(res.status, 200, res.text);
  });

  await s.step(
    "a branch admin or region manager asking for a tenant-wide agent gets 403",
    async () => {
      const before = await counts(t);
      for (const who of ["branchAdmin", "regionManager"] as const) {
        assertError(
          await call(t, "POST", BASE, { ...as(w, who), body: { name: "Wide", branch_id: null } }),
          403,
          "forbidden",
        );
      }
      assert.deepEqual(await counts(t), before);
    },
  );

  await s.step(
    "a branch admin or region manager may not change, delete or restore a tenant-wide agent",
    async () => {
      const before = await counts(t);
      for (const who of ["branchAdmin", "regionManager"] as const) {
        assertError(
          await call(t, "PATCH", `${BASE}/${g.tw.id}`, { ...as(w, who), body: { name: "Mine" } }),
          403,
          "forbidden",
        );
        assertError(
          await call(t, "PATCH", `${BASE}/${g.tw.id}`, {
            ...as(w, who),
            body: { branch_id: w.branches.A1a.id },
          }),
          403,
          "forbidden",
        );
        assertError(await call(t, "DELETE", `${BASE}/${g.tw.id}`, as(w, who)), 403, "forbidden");
      }
      assert.deepEqual(await counts(t), before);
      const row = await agentRow(t, String(g.tw.id));
      assert.equal(row.name, "Tenant Wide A");
      assert.equal(row.branch_id, null);
      assert.equal(row.deleted_at, null);

      const del = await call(t, "DELETE", `${BASE}/${g.tw.id}`, as(w, "countryManager"));
      assert.equal(del.status, 204, del.text);
      for (const who of ["branchAdmin", "regionManager"] as const) {
        assertError(
          await call(t, "POST", `${BASE}/${g.tw.id}/restore`, as(w, who)),
          403,
          "forbidden",
        );
      }
      assert.notEqual((await agentRow(t, String(g.tw.id))).deleted_at, null);
      const restored = await call(t, "POST", `${BASE}/${g.tw.id}/restore`, as(w, "superAdmin"));
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.body.deleted_at, null);
    },
  );

  await s.step(
    "a branch admin or region manager cannot make a branch agent tenant-wide",
    async () => {
      for (const who of ["branchAdmin", "regionManager"] as const) {
        assertError(
          await call(t, "PATCH", `${BASE}/${g.a1a.id}`, {
            ...as(w, who),
            body: { branch_id: null },
          }),
          403,
          "forbidden",
        );
      }
      assert.equal((await agentRow(t, String(g.a1a.id))).branch_id, w.branches.A1a.id);
    },
  );

  await s.step(
    "a tenant manager edits a tenant-wide agent and moves agents to and from tenant-wide",
    async () => {
      const renamed = await call(t, "PATCH", `${BASE}/${g.tw.id}`, {
        ...as(w, "countryManager"),
        body: { name: "Tenant Wide Renamed" },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.name, "Tenant Wide Renamed");
      const widened = await call(t, "PATCH", `${BASE}/${g.a1a.id}`, {
        ...as(w, "superAdmin"),
        body: { branch_id: null },
      });
      assert.equal(widened.status, 200, widened.text);
      assert.equal(widened.body.branch_id, null);
      const seen = await call(t, "GET", `${BASE}/${g.a1a.id}`, as(w, "consultantA2a"));
      assert.equal(seen.status, 200, "a tenant-wide agent is visible to every branch");
      const narrowed = await call(t, "PATCH", `${BASE}/${g.tw.id}`, {
        ...as(w, "countryManager"),
        body: { branch_id: w.branches.A2a.id },
      });
      assert.equal(narrowed.status, 200, narrowed.text);
      assert.equal(narrowed.body.branch_id, w.branches.A2a.id);
      assertError(await call(t, "GET", `${BASE}/${g.tw.id}`, as(w, "consultant")), 404);
    },
  );

  t.close();
});

Deno.test("agents: a region manager works on branches of its region and must name one", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);

  await s.step("without branch_id a region manager's create is 422", async () => {
    const before = await counts(t);
    const res = await call(t, "POST", BASE, { ...as(w, "regionManager"), body: { name: "X" } });
    assertError(res, 422, "validation_error");
    assert.deepEqual(await counts(t), before);
  });

  await s.step(
    "a region manager creates and edits agents in any branch of its region",
    async () => {
      for (const branch of [w.branches.A1a, w.branches.A1b]) {
        const agent = await createAgent(t, as(w, "regionManager"), {
          name: `In ${branch.name}`,
          branch_id: branch.id,
        });
        assert.equal(agent.branch_id, branch.id);
      }
      const moved = await call(t, "PATCH", `${BASE}/${g.a1a.id}`, {
        ...as(w, "regionManager"),
        body: { branch_id: w.branches.A1b.id },
      });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.branch_id, w.branches.A1b.id);
    },
  );

  await s.step("another region's branch or agent is 404 for a region manager", async () => {
    const before = await counts(t);
    assertError(
      await call(t, "POST", BASE, {
        ...as(w, "regionManager"),
        body: { name: "X", branch_id: w.branches.A2a.id },
      }),
      404,
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${g.a1b.id}`, {
        ...as(w, "regionManager"),
        body: { branch_id: w.branches.A2a.id },
      }),
      404,
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${g.a2a.id}`, {
        ...as(w, "regionManager"),
        body: { name: "X" },
      }),
      404,
    );
    assertError(await call(t, "DELETE", `${BASE}/${g.a2a.id}`, as(w, "regionManager")), 404);
    assert.deepEqual(await counts(t), before);
    assert.equal((await agentRow(t, String(g.a1b.id))).branch_id, w.branches.A1b.id);
  });

  t.close();
});

Deno.test("agents: another tenant's agent does not exist (404), whatever the role", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);
  const deletedB = await createAgent(t, as(w, "superAdminB"), { name: "Deleted B" });
  const del = await call(t, "DELETE", `${BASE}/${deletedB.id}`, as(w, "superAdminB"));
  assert.equal(del.status, 204, del.text);

  await s.step(
    "GET, PATCH, DELETE and restore of tenant B's agents are 404 in tenant A",
    async () => {
      const before = await counts(t);
      const audit = await allAudit(t);
      for (const who of ["superAdmin", "countryManager", "branchAdmin"] as const) {
        for (const agent of [g.bTw, g.b1a]) {
          assertError(await call(t, "GET", `${BASE}/${agent.id}`, as(w, who)), 404);
          assertError(
            await call(t, "PATCH", `${BASE}/${agent.id}`, { ...as(w, who), body: { name: "X" } }),
            404,
          );
          assertError(await call(t, "DELETE", `${BASE}/${agent.id}`, as(w, who)), 404);
        }
        assertError(await call(t, "POST", `${BASE}/${deletedB.id}/restore`, as(w, who)), 404);
      }
      assertError(
        await call(t, "PATCH", `${BASE}/${g.bTw.id}`, {
          ...asPlatform(w, w.tenantA.id),
          body: { name: "X" },
        }),
        404,
      );
      // The platform admin's request leaves its platform_access row, nothing else.
      assert.deepEqual(await counts(t), { ...before, audit_logs: before.audit_logs + 1 });
      assert.deepEqual(await newAudit(t, audit), []);
      assert.equal((await agentRow(t, String(g.bTw.id))).name, "Tenant Wide B");
      assert.notEqual((await agentRow(t, String(deletedB.id))).deleted_at, null);
    },
  );

  await s.step("the X-Tenant-ID header means nothing for a tenant user", async () => {
    const res = await call(t, "GET", BASE, {
      token: w.tokens.superAdmin,
      headers: { "x-tenant-id": w.tenantB.id },
    });
    assert.ok(idsOf(res).every((id) => id !== g.bTw.id && id !== g.b1a.id));
    assertError(
      await call(t, "GET", `${BASE}/${g.bTw.id}`, {
        token: w.tokens.superAdmin,
        headers: { "x-tenant-id": w.tenantB.id },
      }),
      404,
    );
  });

  t.close();
});

Deno.test("agents: a deleted agent leaves lists and GET, and only branch_admin and up see it again", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);
  const del = await call(t, "DELETE", `${BASE}/${g.a1a.id}`, as(w, "branchAdmin"));
  assert.equal(del.status, 204, del.text);

  await s.step("the deleted agent is gone from GET, PATCH and the default list", async () => {
    for (const who of ["consultant", "branchAdmin", "superAdmin"] as const) {
      assertError(await call(t, "GET", `${BASE}/${g.a1a.id}`, as(w, who)), 404);
      assert.ok(!idsOf(await call(t, "GET", BASE, as(w, who))).includes(String(g.a1a.id)));
    }
    assertError(
      await call(t, "PATCH", `${BASE}/${g.a1a.id}`, {
        ...as(w, "branchAdmin"),
        body: { name: "X" },
      }),
      404,
    );
  });

  await s.step("include_deleted and only_deleted show it to branch_admin and up", async () => {
    for (const who of ["branchAdmin", "regionManager", "countryManager", "superAdmin"] as const) {
      const incl = idsOf(await call(t, "GET", `${BASE}?include_deleted=true`, as(w, who)));
      assert.ok(incl.includes(String(g.a1a.id)), who);
      assert.ok(incl.includes(String(g.tw.id)), who);
      const only = idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, as(w, who)));
      assert.deepEqual(only, [String(g.a1a.id)], who);
    }
  });

  await s.step("a consultant asking for deleted agents gets 403", async () => {
    assertError(await call(t, "GET", `${BASE}?include_deleted=true`, as(w, "consultant")), 403);
    assertError(await call(t, "GET", `${BASE}?only_deleted=true`, as(w, "consultant")), 403);
  });

  await s.step("deleted agents of other branches stay hidden from include_deleted", async () => {
    const delB = await call(t, "DELETE", `${BASE}/${g.a1b.id}`, as(w, "branchAdminA1b"));
    assert.equal(delB.status, 204, delB.text);
    const only = idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, as(w, "branchAdmin")));
    assert.deepEqual(only, [String(g.a1a.id)]);
  });

  await s.step("restore brings it back for everyone in scope", async () => {
    const res = await call(t, "POST", `${BASE}/${g.a1a.id}/restore`, as(w, "branchAdmin"));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.deleted_at, null);
    assert.equal(res.body.deleted_by, null);
    const row = await agentRow(t, String(g.a1a.id));
    assert.equal(row.deleted_at, null);
    assert.equal(row.deleted_by, null);
    const seen = await call(t, "GET", `${BASE}/${g.a1a.id}`, as(w, "consultant"));
    assert.equal(seen.status, 200, seen.text);
  });

  t.close();
});

Deno.test("agents: bad bodies are refused and leave nothing behind", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const g = await agentWorld(t, w);
  const admin = as(w, "superAdmin");

  await s.step("invalid fields and unknown fields are 422 on create and update", async () => {
    const before = await counts(t);
    const bad: Row[] = [
      {},
      { name: "" },
      { name: "   " },
      { name: "X", commission_percent: 101 },
      { name: "X", commission_percent: -1 },
      { name: "X", commission_percent: "12" },
      { name: "X", email: "not-an-email" },
      { name: "X", tenant_id: w.tenantB.id },
      { name: "X", created_by: w.users.consultant.id },
      { name: "X", deleted_at: "2026-01-01T00:00:00.000Z" },
      { name: "X", id: UNKNOWN_ID },
    ];
    for (const body of bad) {
      assertError(await call(t, "POST", BASE, { ...admin, body }), 422, "validation_error");
    }
    for (const body of bad.slice(1)) {
      assertError(
        await call(t, "PATCH", `${BASE}/${g.a1a.id}`, { ...admin, body }),
        422,
        "validation_error",
      );
    }
    assert.deepEqual(await counts(t), before);
    const row = await agentRow(t, String(g.a1a.id));
    assert.equal(row.name, "Agent A1a");
    assert.equal(row.tenant_id, w.tenantA.id);
    assert.equal(row.deleted_at, null);
  });

  await s.step("malformed JSON is 400 and a non-JSON body 415", async () => {
    const before = await counts(t);
    assertError(
      await call(t, "POST", BASE, {
        ...admin,
        rawBody: '{"name": ',
        headers: { "content-type": "application/json" },
      }),
      400,
    );
    assertError(
      await call(t, "POST", BASE, {
        ...admin,
        rawBody: "name=X",
        headers: { "content-type": "text/plain" },
      }),
      415,
    );
    assert.deepEqual(await counts(t), before);
  });

  t.close();
});

Deno.test("agents: every create, update, delete and restore writes exactly one audit row", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const actor = w.users.branchAdmin;
  let agentId = "";

  const expectOne = async (before: AuditRow[], action: string): Promise<AuditRow> => {
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1, `${action}: ${JSON.stringify(rows)}`);
    const [row] = rows;
    assert.equal(row.action, action);
    assert.equal(row.entity_type, "agent");
    assert.equal(row.entity_id, agentId);
    assert.equal(row.actor_id, actor.id);
    assert.equal(row.actor_role, "branch_admin");
    assert.equal(row.tenant_id, w.tenantA.id);
    return row;
  };

  await s.step("create: one row, after holds the new agent", async () => {
    const before = await allAudit(t);
    const agent = await createAgent(t, as(w, "branchAdmin"), {
      name: "Audit Agent",
      company: "Acme",
      commission_percent: 10,
    });
    agentId = String(agent.id);
    const row = await expectOne(before, "create");
    assert.equal(row.before, null);
    assert.deepEqual(row.after, agent);
  });

  await s.step("update: one row, before/after hold only the changed fields", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${agentId}`, {
      ...as(w, "branchAdmin"),
      body: { name: "Audit Agent 2", company: "Acme", commission_percent: 20 },
    });
    assert.equal(res.status, 200, res.text);
    const row = await expectOne(before, "update");
    assert.deepEqual(row.before, { name: "Audit Agent", commission_percent: 10 });
    assert.deepEqual(row.after, { name: "Audit Agent 2", commission_percent: 20 });
  });

  await s.step("delete and restore: one row each, holding deleted_at", async () => {
    let before = await allAudit(t);
    const del = await call(t, "DELETE", `${BASE}/${agentId}`, as(w, "branchAdmin"));
    assert.equal(del.status, 204, del.text);
    const deleted = await expectOne(before, "delete");
    const deletedAt = (await agentRow(t, agentId)).deleted_at;
    assert.equal(typeof deletedAt, "string");
    assert.deepEqual(deleted.before, { deleted_at: null });
    assert.deepEqual(deleted.after, { deleted_at: deletedAt });

    before = await allAudit(t);
    const res = await call(t, "POST", `${BASE}/${agentId}/restore`, as(w, "branchAdmin"));
    assert.equal(res.status, 200, res.text);
    const restored = await expectOne(before, "restore");
    assert.deepEqual(restored.before, { deleted_at: deletedAt });
    assert.deepEqual(restored.after, { deleted_at: null });
  });

  await s.step("a refused write leaves no audit row", async () => {
    const before = await allAudit(t);
    assertError(
      await call(t, "PATCH", `${BASE}/${agentId}`, {
        ...as(w, "consultant"),
        body: { name: "X" },
      }),
      403,
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${agentId}`, {
        ...as(w, "branchAdminA1b"),
        body: { name: "X" },
      }),
      404,
    );
    assert.deepEqual(await newAudit(t, before), []);
  });

  t.close();
});

Deno.test("an agent cannot be restored into a deleted branch", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const admin = as(w, "superAdmin");
  const agent = await call(t, "POST", BASE, {
    ...admin,
    body: { name: "Branch agent", branch_id: w.branches.A2a.id },
  });
  assert.equal(agent.status, 201, agent.text);
  assert.equal((await call(t, "DELETE", `${BASE}/${agent.body.id}`, admin)).status, 204);
  // The branch has an active consultant: deactivate it so the branch can go.
  await call(t, "DELETE", `/api/v1/users/${w.users.consultantA2a.id}`, as(w, "regionManagerA2"));
  const gone = await call(t, "DELETE", `/api/v1/branches/${w.branches.A2a.id}`, admin);
  assert.equal(gone.status, 204, gone.text);
  assertError(
    await call(t, "POST", `${BASE}/${agent.body.id}/restore`, admin),
    409,
    "branch_deleted",
  );
  t.close();
});
