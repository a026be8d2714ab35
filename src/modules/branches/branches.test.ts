/**
 * Black-box tests of /api/v1/branches: scope (404 outside, 403 for the wrong
 * role), writes by tenant and region managers, soft delete and restore, bad
 * input, and the audit row each write leaves.
 * @module
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import {
  allAudit,
  asPlatform,
  assertError,
  buildWorld,
  call,
  createTestApp,
  idsOf,
  newAudit,
  type RequestOptions,
  results,
  sorted,
  tableCounts,
  type TestApp,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/branches";
const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000dead";

type Row = Record<string, unknown>;

async function branchRow(t: TestApp, id: string): Promise<Row> {
  const rows = await t.db.all<Row>(sql`SELECT * FROM branches WHERE id = ${id}`);
  assert.equal(rows.length, 1);
  return rows[0];
}

Deno.test("branches: reading within scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a, B1a } = w.branches;

  await s.step("each role lists exactly the branches of its scope", async () => {
    const expected: [keyof World["tokens"], string[]][] = [
      ["superAdmin", [A1a.id, A1b.id, A2a.id]],
      ["countryManager", [A1a.id, A1b.id, A2a.id]],
      ["regionManager", [A1a.id, A1b.id]],
      ["regionManagerA2", [A2a.id]],
      ["branchAdmin", [A1a.id]],
      ["consultant", [A1a.id]],
      ["branchAdminA1b", [A1b.id]],
      ["superAdminB", [B1a.id]],
      ["consultantB", [B1a.id]],
    ];
    for (const [who, ids] of expected) {
      const res = await call(t, "GET", BASE, { token: w.tokens[who] });
      assert.deepEqual(idsOf(res), sorted(...ids), who);
      assert.equal(res.body.count, ids.length, who);
    }
  });

  await s.step("the list answers with and without a trailing slash", async () => {
    const res = await call(t, "GET", `${BASE}/`, { token: w.tokens.regionManager });
    assert.deepEqual(idsOf(res), sorted(A1a.id, A1b.id));
    const one = await call(t, "GET", `${BASE}/${A1a.id}/`, { token: w.tokens.consultant });
    assert.equal(one.status, 200, one.text);
  });

  await s.step("every role reads a branch of its scope", async () => {
    for (
      const who of [
        "superAdmin",
        "countryManager",
        "regionManager",
        "branchAdmin",
        "consultant",
      ] as const
    ) {
      const res = await call(t, "GET", `${BASE}/${A1a.id}`, { token: w.tokens[who] });
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.id, A1a.id);
      assert.equal(res.body.region_id, w.regions.A1.id);
      assert.equal(res.body.tenant_id, w.tenantA.id);
    }
  });

  await s.step("a branch of another region is 404 for region and branch roles", async () => {
    assertError(await call(t, "GET", `${BASE}/${A2a.id}`, { token: w.tokens.regionManager }), 404);
    assertError(
      await call(t, "GET", `${BASE}/${A1a.id}`, { token: w.tokens.regionManagerA2 }),
      404,
    );
  });

  await s.step("a sibling branch in the same region is 404 for branch roles", async () => {
    assertError(await call(t, "GET", `${BASE}/${A1b.id}`, { token: w.tokens.branchAdmin }), 404);
    assertError(await call(t, "GET", `${BASE}/${A1b.id}`, { token: w.tokens.consultant }), 404);
  });

  await s.step("another tenant's branch is 404 for every role", async () => {
    for (
      const who of [
        "superAdmin",
        "countryManager",
        "regionManager",
        "branchAdmin",
        "consultant",
      ] as const
    ) {
      assertError(await call(t, "GET", `${BASE}/${B1a.id}`, { token: w.tokens[who] }), 404);
    }
    assertError(await call(t, "GET", `${BASE}/${A1a.id}`, { token: w.tokens.superAdminB }), 404);
  });

  await s.step("an unknown or malformed branch id is 404", async () => {
    const token = w.tokens.superAdmin;
    for (const id of [UNKNOWN_ID, "not-a-uuid", "1", `${A1a.id.toUpperCase()}x`]) {
      assertError(await call(t, "GET", `${BASE}/${id}`, { token }), 404);
      assertError(
        await call(t, "PATCH", `${BASE}/${id}`, { token, body: { name: "Renamed" } }),
        404,
      );
      assertError(await call(t, "DELETE", `${BASE}/${id}`, { token }), 404);
      assertError(await call(t, "POST", `${BASE}/${id}/restore`, { token }), 404);
    }
  });

  await s.step(
    "platform admin without X-Tenant-ID gets 400 tenant_required on every route",
    async () => {
      const token = w.tokens.platform;
      assertError(await call(t, "GET", BASE, { token }), 400, "tenant_required");
      assertError(await call(t, "GET", `${BASE}/${A1a.id}`, { token }), 400, "tenant_required");
      assertError(
        await call(t, "POST", BASE, { token, body: { name: "X", region_id: w.regions.A1.id } }),
        400,
        "tenant_required",
      );
      assertError(
        await call(t, "PATCH", `${BASE}/${A1a.id}`, { token, body: { name: "X" } }),
        400,
        "tenant_required",
      );
      assertError(await call(t, "DELETE", `${BASE}/${A1a.id}`, { token }), 400, "tenant_required");
      assertError(
        await call(t, "POST", `${BASE}/${A1a.id}/restore`, { token }),
        400,
        "tenant_required",
      );
    },
  );

  await s.step("platform admin with X-Tenant-ID sees that tenant's branches only", async () => {
    const inA = asPlatform(w, w.tenantA.id);
    assert.deepEqual(idsOf(await call(t, "GET", BASE, inA)), sorted(A1a.id, A1b.id, A2a.id));
    const inB = asPlatform(w, w.tenantB.id);
    assert.deepEqual(idsOf(await call(t, "GET", BASE, inB)), [B1a.id]);
    assertError(await call(t, "GET", `${BASE}/${A1a.id}`, inB), 404);
    const one = await call(t, "GET", `${BASE}/${B1a.id}`, inB);
    assert.equal(one.status, 200, one.text);
  });

  await s.step("platform admin naming an unknown tenant gets 404", async () => {
    assertError(await call(t, "GET", BASE, asPlatform(w, UNKNOWN_ID)), 404);
    assertError(await call(t, "GET", BASE, asPlatform(w, "not-a-uuid")), 404);
  });

  await s.step("X-Tenant-ID is ignored for tenant users", async () => {
    const res = await call(t, "GET", BASE, {
      token: w.tokens.superAdmin,
      headers: { "x-tenant-id": w.tenantB.id },
    });
    assert.deepEqual(idsOf(res), sorted(A1a.id, A1b.id, A2a.id));
    const other = await call(t, "GET", `${BASE}/${B1a.id}`, {
      token: w.tokens.consultant,
      headers: { "x-tenant-id": w.tenantB.id },
    });
    assertError(other, 404);
  });

  await s.step("a request without a token is 401", async () => {
    assertError(await call(t, "GET", BASE), 401);
    assertError(await call(t, "GET", BASE, { token: "not.a.token" }), 401);
  });

  await s.step("region_id filters the list, unknown query parameters are ignored", async () => {
    const res = await call(t, "GET", `${BASE}?region_id=${w.regions.A2.id}&colour=blue`, {
      token: w.tokens.superAdmin,
    });
    assert.deepEqual(idsOf(res), [A2a.id]);
  });

  await s.step("a known query parameter with a bad value is 422", async () => {
    const token = w.tokens.superAdmin;
    assertError(await call(t, "GET", `${BASE}?include_deleted=yes`, { token }), 422);
    assertError(await call(t, "GET", `${BASE}?ordering=tenant_id`, { token }), 422);
  });

  t.close();
});

Deno.test("branches: creating", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1, A2, B1 } = w.regions;

  await s.step("super_admin creates a branch in any region of its tenant", async () => {
    const res = await call(t, "POST", BASE, {
      token: w.tokens.superAdmin,
      body: {
        name: "A2 North",
        region_id: A2.id,
        address: "1 North St",
        phone: "+61 2 0000 0000",
        email: "North@Agency.Test",
      },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, "A2 North");
    assert.equal(res.body.region_id, A2.id);
    assert.equal(res.body.tenant_id, w.tenantA.id);
    assert.equal(res.body.email, "north@agency.test");
    assert.equal(res.body.created_by, w.users.superAdmin.id);
    assert.equal(res.body.deleted_at, null);
    const read = await call(t, "GET", `${BASE}/${res.body.id}`, {
      token: w.tokens.regionManagerA2,
    });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.name, "A2 North");
  });

  await s.step("country_manager creates a branch in any region of its tenant", async () => {
    for (const region of [A1, A2]) {
      const res = await call(t, "POST", BASE, {
        token: w.tokens.countryManager,
        body: { name: `CM ${region.name}`, region_id: region.id },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.region_id, region.id);
    }
  });

  await s.step("platform admin with X-Tenant-ID creates a branch in that tenant", async () => {
    const res = await call(t, "POST", BASE, {
      ...asPlatform(w, w.tenantB.id),
      body: { name: "B1 Platform", region_id: B1.id },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.tenant_id, w.tenantB.id);
    const seen = await call(t, "GET", `${BASE}/${res.body.id}`, { token: w.tokens.superAdminB });
    assert.equal(seen.status, 200, seen.text);
  });

  await s.step(
    "platform admin in one tenant cannot create a branch in another tenant's region",
    async () => {
      const before = await tableCounts(t.db);
      const res = await call(t, "POST", BASE, {
        ...asPlatform(w, w.tenantA.id),
        body: { name: "Cross", region_id: B1.id },
      });
      assertError(res, 404);
      const after = await tableCounts(t.db);
      assert.equal(after.branches, before.branches);
    },
  );

  await s.step("super_admin and country_manager must name region_id (422)", async () => {
    for (const who of ["superAdmin", "countryManager"] as const) {
      const before = await tableCounts(t.db);
      const res = await call(t, "POST", BASE, {
        token: w.tokens[who],
        body: { name: "No region" },
      });
      assertError(res, 422, "validation_error");
      assert.ok(Array.isArray(res.body.details), res.text);
      assert.deepEqual(await tableCounts(t.db), before);
    }
  });

  await s.step(
    "a tenant manager cannot create a branch in another tenant's region (404)",
    async () => {
      const before = await tableCounts(t.db);
      for (const who of ["superAdmin", "countryManager"] as const) {
        assertError(
          await call(t, "POST", BASE, {
            token: w.tokens[who],
            body: { name: "X", region_id: B1.id },
          }),
          404,
        );
        assertError(
          await call(t, "POST", BASE, {
            token: w.tokens[who],
            body: { name: "X", region_id: "not-a-uuid" },
          }),
          404,
        );
      }
      assert.deepEqual(await tableCounts(t.db), before);
    },
  );

  await s.step("region manager's new branch goes to its own region by default", async () => {
    const res = await call(t, "POST", BASE, {
      token: w.tokens.regionManager,
      body: { name: "A1 Default" },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.region_id, A1.id);
    const explicit = await call(t, "POST", BASE, {
      token: w.tokens.regionManager,
      body: { name: "A1 Explicit", region_id: A1.id },
    });
    assert.equal(explicit.status, 201, explicit.text);
    assert.equal(explicit.body.region_id, A1.id);
  });

  await s.step("region manager cannot create a branch in another region (404)", async () => {
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "POST", BASE, {
        token: w.tokens.regionManager,
        body: { name: "Elsewhere", region_id: A2.id },
      }),
      404,
    );
    assertError(
      await call(t, "POST", BASE, {
        token: w.tokens.regionManager,
        body: { name: "Elsewhere", region_id: B1.id },
      }),
      404,
    );
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("branch_admin and consultant cannot create branches (403)", async () => {
    const before = await tableCounts(t.db);
    for (const who of ["branchAdmin", "consultant"] as const) {
      assertError(
        await call(t, "POST", BASE, { token: w.tokens[who], body: { name: "Mine" } }),
        403,
        "forbidden",
      );
      assertError(
        await call(t, "POST", BASE, {
          token: w.tokens[who],
          body: { name: "Mine", region_id: A1.id },
        }),
        403,
        "forbidden",
      );
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  t.close();
});

Deno.test("branches: updating and moving", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a, B1a } = w.branches;
  const { A1, A2, B1 } = w.regions;

  await s.step("super_admin changes a branch anywhere in its tenant", async () => {
    const res = await call(t, "PATCH", `${BASE}/${A2a.id}`, {
      token: w.tokens.superAdmin,
      body: { name: "A2a renamed", address: "2 South St", email: null },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, "A2a renamed");
    assert.equal(res.body.address, "2 South St");
    assert.equal(res.body.updated_by, w.users.superAdmin.id);
    const read = await call(t, "GET", `${BASE}/${A2a.id}`, { token: w.tokens.consultantA2a });
    assert.equal(read.body.name, "A2a renamed");
  });

  await s.step("country_manager changes a branch anywhere in its tenant", async () => {
    const res = await call(t, "PATCH", `${BASE}/${A1a.id}`, {
      token: w.tokens.countryManager,
      body: { phone: "+61 3 1111 1111" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.phone, "+61 3 1111 1111");
  });

  await s.step("platform admin with X-Tenant-ID changes a branch of that tenant", async () => {
    const res = await call(t, "PATCH", `${BASE}/${B1a.id}`, {
      ...asPlatform(w, w.tenantB.id),
      body: { name: "B1a by platform" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, "B1a by platform");
  });

  await s.step("region manager changes a branch of its own region", async () => {
    const res = await call(t, "PATCH", `${BASE}/${A1b.id}`, {
      token: w.tokens.regionManager,
      body: { name: "A1b renamed", region_id: A1.id },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, "A1b renamed");
    assert.equal(res.body.region_id, A1.id);
  });

  await s.step("region manager cannot change a branch of another region (404)", async () => {
    const before = await branchRow(t, A2a.id);
    assertError(
      await call(t, "PATCH", `${BASE}/${A2a.id}`, {
        token: w.tokens.regionManager,
        body: { name: "Hijacked" },
      }),
      404,
    );
    assert.deepEqual(await branchRow(t, A2a.id), before);
  });

  await s.step("region manager cannot move a branch to another region (404)", async () => {
    const before = await branchRow(t, A1a.id);
    for (const region of [A2, B1]) {
      assertError(
        await call(t, "PATCH", `${BASE}/${A1a.id}`, {
          token: w.tokens.regionManager,
          body: { region_id: region.id },
        }),
        404,
      );
    }
    assert.deepEqual(await branchRow(t, A1a.id), before);
  });

  await s.step(
    "a tenant manager cannot move a branch to another tenant's region (404)",
    async () => {
      const before = await branchRow(t, A1a.id);
      assertError(
        await call(t, "PATCH", `${BASE}/${A1a.id}`, {
          token: w.tokens.superAdmin,
          body: { region_id: B1.id },
        }),
        404,
      );
      assert.deepEqual(await branchRow(t, A1a.id), before);
    },
  );

  await s.step("branch_admin and consultant cannot change their own branch (403)", async () => {
    const before = await branchRow(t, A1a.id);
    for (const who of ["branchAdmin", "consultant"] as const) {
      assertError(
        await call(t, "PATCH", `${BASE}/${A1a.id}`, {
          token: w.tokens[who],
          body: { name: "Ours now" },
        }),
        403,
        "forbidden",
      );
    }
    assert.deepEqual(await branchRow(t, A1a.id), before);
  });

  await s.step("branch_admin and consultant get 404 for a branch outside their own", async () => {
    for (const who of ["branchAdmin", "consultant"] as const) {
      assertError(
        await call(t, "PATCH", `${BASE}/${A1b.id}`, { token: w.tokens[who], body: { name: "X" } }),
        404,
      );
    }
  });

  await s.step("no tenant-A role can change another tenant's branch (404)", async () => {
    const before = await branchRow(t, B1a.id);
    for (
      const who of [
        "superAdmin",
        "countryManager",
        "regionManager",
        "branchAdmin",
        "consultant",
      ] as const
    ) {
      assertError(
        await call(t, "PATCH", `${BASE}/${B1a.id}`, { token: w.tokens[who], body: { name: "X" } }),
        404,
      );
    }
    assert.deepEqual(await branchRow(t, B1a.id), before);
  });

  await s.step("moving a branch to another region moves its users' region_id", async () => {
    const res = await call(t, "PATCH", `${BASE}/${A1b.id}`, {
      token: w.tokens.countryManager,
      body: { region_id: A2.id },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.region_id, A2.id);
    for (const who of ["branchAdminA1b", "consultantA1b"] as const) {
      const user = await call(t, "GET", `/api/v1/users/${w.users[who].id}`, {
        token: w.tokens.superAdmin,
      });
      assert.equal(user.status, 200, user.text);
      assert.equal(user.body.region_id, A2.id, who);
      assert.equal(user.body.branch_id, A1b.id, who);
    }
    // The users of the branch that stayed keep their region.
    const stayed = await call(t, "GET", `/api/v1/users/${w.users.consultant.id}`, {
      token: w.tokens.superAdmin,
    });
    assert.equal(stayed.body.region_id, A1.id);
  });

  await s.step(
    "after a move the old region manager loses the branch, the new one gains it",
    async () => {
      assertError(
        await call(t, "GET", `${BASE}/${A1b.id}`, { token: w.tokens.regionManager }),
        404,
      );
      assert.deepEqual(
        idsOf(await call(t, "GET", BASE, { token: w.tokens.regionManager })),
        [A1a.id],
      );
      assert.deepEqual(
        idsOf(await call(t, "GET", BASE, { token: w.tokens.regionManagerA2 })),
        sorted(A1b.id, A2a.id),
      );
      assertError(
        await call(t, "GET", `/api/v1/users/${w.users.consultantA1b.id}`, {
          token: w.tokens.regionManager,
        }),
        404,
      );
      const seen = await call(t, "GET", `/api/v1/users/${w.users.consultantA1b.id}`, {
        token: w.tokens.regionManagerA2,
      });
      assert.equal(seen.status, 200, seen.text);
    },
  );

  await s.step("the moved branch's staff keep working in their branch", async () => {
    const res = await call(t, "GET", BASE, { token: w.tokens.branchAdminA1b });
    const rows = results(res);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, A1b.id);
    assert.equal(rows[0].region_id, A2.id);
  });

  t.close();
});

Deno.test("branches: soft delete and restore", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1a, A1b, A2a, B1a } = w.branches;

  await s.step("a branch with active users cannot be deleted (409 branch_in_use)", async () => {
    const before = await tableCounts(t.db);
    for (const [who, id] of [["superAdmin", A1a.id], ["regionManager", A1b.id]] as const) {
      assertError(
        await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens[who] }),
        409,
        "branch_in_use",
      );
    }
    assert.deepEqual(await tableCounts(t.db), before);
    assert.equal((await branchRow(t, A1a.id)).deleted_at, null);
  });

  await s.step("branch_admin and consultant cannot delete their own branch (403)", async () => {
    for (const who of ["branchAdmin", "consultant"] as const) {
      assertError(
        await call(t, "DELETE", `${BASE}/${A1a.id}`, { token: w.tokens[who] }),
        403,
        "forbidden",
      );
    }
  });

  await s.step("a branch outside the caller's scope cannot be deleted (404)", async () => {
    assertError(
      await call(t, "DELETE", `${BASE}/${A2a.id}`, { token: w.tokens.regionManager }),
      404,
    );
    assertError(await call(t, "DELETE", `${BASE}/${A1b.id}`, { token: w.tokens.branchAdmin }), 404);
    assertError(await call(t, "DELETE", `${BASE}/${B1a.id}`, { token: w.tokens.superAdmin }), 404);
    assertError(
      await call(t, "DELETE", `${BASE}/${A2a.id}`, asPlatform(w, w.tenantB.id)),
      404,
    );
  });

  await s.step("once its users are deactivated the branch can be deleted", async () => {
    const off = await call(t, "DELETE", `/api/v1/users/${w.users.consultantA2a.id}`, {
      token: w.tokens.regionManagerA2,
    });
    assert.equal(off.status, 204, off.text);
    const res = await call(t, "DELETE", `${BASE}/${A2a.id}`, { token: w.tokens.regionManagerA2 });
    assert.equal(res.status, 204, res.text);
    const row = await branchRow(t, A2a.id);
    assert.equal(typeof row.deleted_at, "string");
    assert.equal(row.deleted_by, w.users.regionManagerA2.id);
  });

  await s.step("a deleted branch is hidden from lists and GET", async () => {
    for (const who of ["superAdmin", "countryManager"] as const) {
      assert.deepEqual(
        idsOf(await call(t, "GET", BASE, { token: w.tokens[who] })),
        sorted(A1a.id, A1b.id),
      );
      assertError(await call(t, "GET", `${BASE}/${A2a.id}`, { token: w.tokens[who] }), 404);
    }
    assert.deepEqual(idsOf(await call(t, "GET", BASE, { token: w.tokens.regionManagerA2 })), []);
    assertError(
      await call(t, "GET", `${BASE}/${A2a.id}`, { token: w.tokens.regionManagerA2 }),
      404,
    );
  });

  await s.step("a deleted branch cannot be changed or deleted again (404)", async () => {
    assertError(
      await call(t, "PATCH", `${BASE}/${A2a.id}`, {
        token: w.tokens.superAdmin,
        body: { name: "Z" },
      }),
      404,
    );
    assertError(await call(t, "DELETE", `${BASE}/${A2a.id}`, { token: w.tokens.superAdmin }), 404);
  });

  await s.step("include_deleted and only_deleted show it to branch_admin and above", async () => {
    for (const who of ["superAdmin", "countryManager"] as const) {
      const token = w.tokens[who];
      assert.deepEqual(
        idsOf(await call(t, "GET", `${BASE}?include_deleted=true`, { token })),
        sorted(A1a.id, A1b.id, A2a.id),
      );
      assert.deepEqual(idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, { token })), [
        A2a.id,
      ]);
    }
    const platform = await call(t, "GET", `${BASE}?only_deleted=true`, asPlatform(w, w.tenantA.id));
    assert.deepEqual(idsOf(platform), [A2a.id]);
    assert.deepEqual(
      idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, { token: w.tokens.regionManagerA2 })),
      [A2a.id],
    );
    // Deleted rows stay inside the scope: region A1 has none, branch A1a is live.
    assert.deepEqual(
      idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, { token: w.tokens.regionManager })),
      [],
    );
    assert.deepEqual(
      idsOf(await call(t, "GET", `${BASE}?include_deleted=true`, { token: w.tokens.branchAdmin })),
      [A1a.id],
    );
    assert.deepEqual(
      idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, { token: w.tokens.branchAdmin })),
      [],
    );
    assert.deepEqual(
      idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, { token: w.tokens.superAdminB })),
      [],
    );
  });

  await s.step("a consultant asking for deleted branches gets 403", async () => {
    for (const q of ["include_deleted=true", "only_deleted=true"]) {
      assertError(
        await call(t, "GET", `${BASE}?${q}`, { token: w.tokens.consultant }),
        403,
        "forbidden",
      );
    }
  });

  await s.step("a deleted branch outside the scope cannot be restored (404)", async () => {
    assertError(
      await call(t, "POST", `${BASE}/${A2a.id}/restore`, { token: w.tokens.regionManager }),
      404,
    );
    assertError(
      await call(t, "POST", `${BASE}/${A2a.id}/restore`, { token: w.tokens.superAdminB }),
      404,
    );
    assertError(
      await call(t, "POST", `${BASE}/${A2a.id}/restore`, { token: w.tokens.branchAdmin }),
      404,
    );
    assert.equal(typeof (await branchRow(t, A2a.id)).deleted_at, "string");
  });

  await s.step("branch_admin and consultant cannot restore (403)", async () => {
    for (const who of ["branchAdmin", "consultant"] as const) {
      assertError(
        await call(t, "POST", `${BASE}/${A1a.id}/restore`, { token: w.tokens[who] }),
        403,
        "forbidden",
      );
    }
  });

  await s.step("restore brings a deleted branch back", async () => {
    const res = await call(t, "POST", `${BASE}/${A2a.id}/restore`, {
      token: w.tokens.regionManagerA2,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, A2a.id);
    assert.equal(res.body.deleted_at, null);
    assert.equal(res.body.deleted_by, null);
    const read = await call(t, "GET", `${BASE}/${A2a.id}`, { token: w.tokens.superAdmin });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(
      idsOf(await call(t, "GET", BASE, { token: w.tokens.superAdmin })),
      sorted(A1a.id, A1b.id, A2a.id),
    );
    assert.deepEqual(
      idsOf(await call(t, "GET", `${BASE}?only_deleted=true`, { token: w.tokens.superAdmin })),
      [],
    );
  });

  await s.step("restoring a live branch changes nothing", async () => {
    const before = await tableCounts(t.db);
    const row = await branchRow(t, A1a.id);
    const res = await call(t, "POST", `${BASE}/${A1a.id}/restore`, { token: w.tokens.superAdmin });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.deleted_at, null);
    assert.deepEqual(await tableCounts(t.db), before);
    assert.deepEqual(await branchRow(t, A1a.id), row);
  });

  await s.step("a region manager deletes and restores an empty branch of its region", async () => {
    const created = await call(t, "POST", BASE, {
      token: w.tokens.regionManager,
      body: { name: "Pop-up" },
    });
    assert.equal(created.status, 201, created.text);
    const id = String(created.body.id);
    assert.equal(
      (await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens.regionManager })).status,
      204,
    );
    assertError(await call(t, "GET", `${BASE}/${id}`, { token: w.tokens.regionManager }), 404);
    const back = await call(t, "POST", `${BASE}/${id}/restore`, { token: w.tokens.regionManager });
    assert.equal(back.status, 200, back.text);
  });

  await s.step("platform admin with X-Tenant-ID deletes and restores an empty branch", async () => {
    const inB = asPlatform(w, w.tenantB.id);
    const created = await call(t, "POST", BASE, {
      ...inB,
      body: { name: "B tmp", region_id: w.regions.B1.id },
    });
    assert.equal(created.status, 201, created.text);
    const id = String(created.body.id);
    assert.equal((await call(t, "DELETE", `${BASE}/${id}`, inB)).status, 204);
    assertError(await call(t, "GET", `${BASE}/${id}`, { token: w.tokens.superAdminB }), 404);
    assert.equal((await call(t, "POST", `${BASE}/${id}/restore`, inB)).status, 200);
    const read = await call(t, "GET", `${BASE}/${id}`, { token: w.tokens.superAdminB });
    assert.equal(read.status, 200, read.text);
  });

  await s.step("a user cannot be placed in a deleted branch", async () => {
    const created = await call(t, "POST", BASE, {
      token: w.tokens.regionManager,
      body: { name: "Closed" },
    });
    const id = String(created.body.id);
    assert.equal(
      (await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens.regionManager })).status,
      204,
    );
    const res = await call(t, "POST", "/api/v1/users", {
      token: w.tokens.regionManager,
      body: {
        email: "closed.admin@test.example",
        password: "long-enough-password",
        first_name: "Closed",
        last_name: "Admin",
        role: "branch_admin",
        branch_id: id,
      },
    });
    assertError(res, 404);
  });

  t.close();
});

Deno.test("branches: bad input is refused and writes nothing", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const token = w.tokens.superAdmin;
  const id = w.branches.A1a.id;
  const routes: [string, string][] = [["POST", BASE], ["PATCH", `${BASE}/${id}`]];

  async function refused(
    method: string,
    path: string,
    options: RequestOptions,
    status: number,
    code?: string,
  ) {
    const before = await tableCounts(t.db);
    const row = await branchRow(t, id);
    const res = await call(t, method, path, { token, ...options });
    assertError(res, status, code);
    assert.deepEqual(await tableCounts(t.db), before, `${method} ${path} wrote rows`);
    assert.deepEqual(await branchRow(t, id), row, `${method} ${path} changed the branch`);
    return res;
  }

  await s.step("malformed JSON is 400 malformed_json", async () => {
    for (const [method, path] of routes) {
      await refused(
        method,
        path,
        { rawBody: "{", headers: { "content-type": "application/json" } },
        400,
        "malformed_json",
      );
    }
  });

  await s.step("wrong types are 422 validation_error with details", async () => {
    const bodies = [
      { name: 123, region_id: w.regions.A1.id },
      { name: "Ok", region_id: 42 },
      { name: "Ok", region_id: w.regions.A1.id, email: "not-an-email" },
      { name: "", region_id: w.regions.A1.id },
      { name: "x".repeat(201), region_id: w.regions.A1.id },
      { name: "Ok", region_id: w.regions.A1.id, phone: ["+61"] },
    ];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const res = await refused(method, path, { body }, 422, "validation_error");
        assert.ok(Array.isArray(res.body.details) && res.body.details.length > 0, res.text);
      }
    }
  });

  await s.step("a JSON body that is not an object is 422", async () => {
    for (const [method, path] of routes) {
      await refused(method, path, { body: ["name"] }, 422, "validation_error");
      await refused(method, path, { body: null }, 422, "validation_error");
    }
  });

  await s.step("unknown fields are 422", async () => {
    for (const [method, path] of routes) {
      for (const extra of [{ tenant_id: w.tenantB.id }, { deleted_at: null }, { colour: "red" }]) {
        const res = await refused(
          method,
          path,
          { body: { name: "Ok", region_id: w.regions.A1.id, ...extra } },
          422,
          "validation_error",
        );
        assert.ok(Array.isArray(res.body.details), res.text);
      }
    }
  });

  await s.step("a text/plain or form body is 415", async () => {
    for (const [method, path] of routes) {
      await refused(
        method,
        path,
        {
          rawBody: JSON.stringify({ name: "Plain", region_id: w.regions.A1.id }),
          headers: { "content-type": "text/plain" },
        },
        415,
      );
      await refused(
        method,
        path,
        {
          rawBody: `name=Form&region_id=${w.regions.A1.id}`,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
        415,
      );
    }
  });

  t.close();
});

Deno.test("branches: an oversize body is 413 and writes nothing", async (s) => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);

  await s.step("POST and PATCH with a body over the limit are 413", async () => {
    const before = await tableCounts(t.db);
    const row = await branchRow(t, w.branches.A1a.id);
    for (const [method, path] of [["POST", BASE], ["PATCH", `${BASE}/${w.branches.A1a.id}`]]) {
      const res = await call(t, method, path, {
        token: w.tokens.superAdmin,
        body: { name: "Big", region_id: w.regions.A1.id, address: "x".repeat(2000) },
      });
      assertError(res, 413);
    }
    assert.deepEqual(await tableCounts(t.db), before);
    assert.deepEqual(await branchRow(t, w.branches.A1a.id), row);
  });

  await s.step("a body under the limit still goes through", async () => {
    const ok = await call(t, "POST", BASE, {
      token: w.tokens.superAdmin,
      body: { name: "Small", region_id: w.regions.A1.id },
    });
    assert.equal(ok.status, 201, ok.text);
  });

  t.close();
});

Deno.test("branches: each write leaves one audit row of the change", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  let id = "";

  await s.step("create writes one 'create' row with the new branch", async () => {
    const before = await allAudit(t);
    const res = await call(t, "POST", BASE, {
      token: w.tokens.countryManager,
      body: { name: "Audited", region_id: w.regions.A1.id },
    });
    assert.equal(res.status, 201, res.text);
    id = String(res.body.id);
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.action, "create");
    assert.equal(row.entity_type, "branch");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.countryManager.id);
    assert.equal(row.actor_role, "country_manager");
    assert.equal(row.tenant_id, w.tenantA.id);
    assert.equal(row.before, null);
    assert.equal(row.after?.name, "Audited");
    assert.equal(row.after?.region_id, w.regions.A1.id);
    assert.equal(typeof row.request_id, "string");
  });

  await s.step("update writes one 'update' row with only the changed fields", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.regionManager,
      body: { name: "Audited 2", address: "" },
    });
    assert.equal(res.status, 200, res.text);
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.action, "update");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.regionManager.id);
    assert.deepEqual(row.before, { name: "Audited" });
    assert.deepEqual(row.after, { name: "Audited 2" });
  });

  await s.step("a move records the region change only", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.superAdmin,
      body: { region_id: w.regions.A2.id },
    });
    assert.equal(res.status, 200, res.text);
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].action, "update");
    assert.deepEqual(rows[0].before, { region_id: w.regions.A1.id });
    assert.deepEqual(rows[0].after, { region_id: w.regions.A2.id });
  });

  await s.step("a change to the same values writes no row", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.superAdmin,
      body: { name: "Audited 2" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal((await newAudit(t, before)).length, 0);
  });

  await s.step("delete writes one 'delete' row", async () => {
    const before = await allAudit(t);
    const res = await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens.regionManagerA2 });
    assert.equal(res.status, 204, res.text);
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.action, "delete");
    assert.equal(row.entity_type, "branch");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.regionManagerA2.id);
    assert.deepEqual(row.before, { deleted_at: null });
    assert.equal(typeof row.after?.deleted_at, "string");
  });

  await s.step("restore writes one 'restore' row", async () => {
    const before = await allAudit(t);
    const res = await call(t, "POST", `${BASE}/${id}/restore`, { token: w.tokens.countryManager });
    assert.equal(res.status, 200, res.text);
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.action, "restore");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.countryManager.id);
    assert.equal(typeof row.before?.deleted_at, "string");
    assert.deepEqual(row.after, { deleted_at: null });
  });

  await s.step("refused writes leave no audit row", async () => {
    const before = await allAudit(t);
    await call(t, "PATCH", `${BASE}/${id}`, { token: w.tokens.consultant, body: { name: "N" } });
    await call(t, "DELETE", `${BASE}/${w.branches.A1a.id}`, { token: w.tokens.superAdmin });
    await call(t, "POST", BASE, { token: w.tokens.branchAdmin, body: { name: "N" } });
    await call(t, "PATCH", `${BASE}/${w.branches.A2a.id}`, {
      token: w.tokens.regionManager,
      body: { name: "N" },
    });
    assert.equal((await newAudit(t, before)).length, 0);
  });

  await s.step(
    "a platform admin's write is audited under its own id, besides its access row",
    async () => {
      const before = await allAudit(t);
      const res = await call(t, "PATCH", `${BASE}/${w.branches.B1a.id}`, {
        ...asPlatform(w, w.tenantB.id),
        body: { phone: "+1 555" },
      });
      assert.equal(res.status, 200, res.text);
      const seen = new Set(before.map((r) => r.id));
      const rows = (await allAudit(t)).filter((r) => !seen.has(r.id));
      const update = rows.filter((r) => r.action === "update");
      assert.equal(update.length, 1);
      assert.equal(update[0].actor_id, w.users.platform.id);
      assert.equal(update[0].tenant_id, w.tenantB.id);
      assert.deepEqual(update[0].after, { phone: "+1 555" });
      assert.equal(rows.filter((r) => r.action === "platform_access").length, 1);
    },
  );

  t.close();
});
