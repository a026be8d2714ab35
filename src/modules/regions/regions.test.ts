/**
 * Black-box HTTP tests of /api/v1/regions: reads within scope, writes by the
 * tenant's managers, the platform admin through X-Tenant-ID, conflicts, deletion
 * of empty regions only, bad input and audit.
 * @module
 */
import assert from "node:assert/strict";
import { asc } from "drizzle-orm";
import { audit_logs, regions, tenants } from "../../db/schema/index.ts";
import {
  assertError,
  auditOf,
  buildWorld,
  call,
  createTestApp,
  insertUser,
  type Res,
  tableCounts,
  TENANT_A_ROLES,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const API = "/api/v1";
const MANAGERS: Who[] = ["superAdmin", "countryManager"];
const REGION_SCOPED: Who[] = ["regionManager", "branchAdmin", "consultant"];
const TENANT_B_ROLES: Who[] = [
  "superAdminB",
  "countryManagerB",
  "regionManagerB",
  "branchAdminB",
  "consultantB",
];
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

type Row = Record<string, unknown>;

function rows(res: Res): Row[] {
  assert.ok(Array.isArray(res.body.results), `no results: ${res.text}`);
  return res.body.results as Row[];
}

function idsOf(res: Res): string[] {
  return rows(res).map((row) => row.id as string);
}

function inTenant(id: string): Record<string, string> {
  return { "x-tenant-id": id };
}

/** Row counts plus the full regions and tenants rows, to prove a refusal changed nothing. */
async function snapshot(t: TestApp) {
  return {
    counts: await tableCounts(t.db),
    regions: await t.db.select().from(regions).orderBy(asc(regions.id)),
    tenants: await t.db.select().from(tenants).orderBy(asc(tenants.id)),
  };
}

function assertPlatformAccess(
  row: typeof audit_logs.$inferSelect | undefined,
  w: World,
  tenantId: string,
  expected: { method: string; path: string; status: number },
) {
  assert.ok(row, "no platform_access row");
  assert.equal(row.action, "platform_access");
  assert.equal(row.entity_type, "request");
  assert.equal(row.entity_id, null);
  assert.equal(row.tenant_id, tenantId);
  assert.equal(row.actor_id, w.users.platform.id);
  assert.equal(row.actor_role, "super_super_admin");
  assert.deepEqual(row.after, expected);
}

async function createRegion(t: TestApp, token: string, body: Row): Promise<Row> {
  const res = await call(t, "POST", `${API}/regions`, { token, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

Deno.test("region reads follow the caller's scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1, A2, B1 } = w.regions;

  await s.step("super_admin and country_manager list every region of their tenant", async () => {
    for (const who of MANAGERS) {
      const res = await call(t, "GET", `${API}/regions`, { token: w.tokens[who] });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.count, 2, who);
      assert.deepEqual(idsOf(res).sort(), [A1.id, A2.id].sort(), who);
      assert.equal(res.body.next, null);
      assert.equal(res.body.previous, null);
    }
  });

  await s.step(
    "region_manager, branch_admin and consultant list only their own region",
    async () => {
      for (const who of REGION_SCOPED) {
        const res = await call(t, "GET", `${API}/regions`, { token: w.tokens[who] });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.count, 1, who);
        assert.deepEqual(idsOf(res), [A1.id], who);
      }
      for (const who of ["regionManagerA2", "consultantA2a"] as Who[]) {
        const res = await call(t, "GET", `${API}/regions/`, { token: w.tokens[who] });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(idsOf(res), [A2.id], who);
      }
    },
  );

  await s.step("tenant B's staff see only tenant B's region", async () => {
    for (const who of TENANT_B_ROLES) {
      const res = await call(t, "GET", `${API}/regions`, { token: w.tokens[who] });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(idsOf(res), [B1.id], who);
    }
  });

  await s.step("X-Tenant-ID is ignored for staff: scope comes from the token", async () => {
    for (const who of TENANT_A_ROLES) {
      const res = await call(t, "GET", `${API}/regions`, {
        token: w.tokens[who],
        headers: inTenant(w.tenantB.id),
      });
      assert.equal(res.status, 200, res.text);
      assert.ok(!idsOf(res).includes(B1.id), who);
      assert.ok(idsOf(res).includes(A1.id), who);
      assert.equal((await auditOf(t, res)).length, 0, `${who}: no platform_access row`);
      const other = await call(t, "GET", `${API}/regions/${B1.id}`, {
        token: w.tokens[who],
        headers: inTenant(w.tenantB.id),
      });
      assertError(other, 404);
    }
  });

  await s.step(
    "platform admin without X-Tenant-ID gets 400 tenant_required on every region route",
    async () => {
      const before = await snapshot(t);
      const token = w.tokens.platform;
      const requests: [string, string, Row | undefined][] = [
        ["GET", `${API}/regions`, undefined],
        ["GET", `${API}/regions/`, undefined],
        ["POST", `${API}/regions`, { name: "Platform made" }],
        ["GET", `${API}/regions/${A1.id}`, undefined],
        ["PATCH", `${API}/regions/${A1.id}`, { name: "Platform renamed" }],
        ["DELETE", `${API}/regions/${A2.id}`, undefined],
      ];
      for (const [method, path, body] of requests) {
        assertError(await call(t, method, path, { token, body }), 400, "tenant_required");
      }
      assert.deepEqual(await snapshot(t), before, "nothing written, not even an audit row");
    },
  );

  await s.step(
    "platform admin with X-Tenant-ID reads that tenant's regions; each request audited",
    async () => {
      const token = w.tokens.platform;
      const listA = await call(t, "GET", `${API}/regions`, {
        token,
        headers: inTenant(w.tenantA.id),
      });
      assert.equal(listA.status, 200, listA.text);
      assert.deepEqual(idsOf(listA).sort(), [A1.id, A2.id].sort());
      let audit = await auditOf(t, listA);
      assert.equal(audit.length, 1);
      assertPlatformAccess(audit[0], w, w.tenantA.id, {
        method: "GET",
        path: `${API}/regions`,
        status: 200,
      });

      const listB = await call(t, "GET", `${API}/regions`, {
        token,
        headers: inTenant(w.tenantB.id),
      });
      assert.deepEqual(idsOf(listB), [B1.id]);
      audit = await auditOf(t, listB);
      assert.equal(audit.length, 1);
      assertPlatformAccess(audit[0], w, w.tenantB.id, {
        method: "GET",
        path: `${API}/regions`,
        status: 200,
      });

      const one = await call(t, "GET", `${API}/regions/${A2.id}`, {
        token,
        headers: inTenant(w.tenantA.id),
      });
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.id, A2.id);
      audit = await auditOf(t, one);
      assert.equal(audit.length, 1);
      assertPlatformAccess(audit[0], w, w.tenantA.id, {
        method: "GET",
        path: `${API}/regions/${A2.id}`,
        status: 200,
      });
    },
  );

  await s.step(
    "platform admin in tenant A gets 404 for tenant B's region, and that is audited too",
    async () => {
      const res = await call(t, "GET", `${API}/regions/${B1.id}`, {
        token: w.tokens.platform,
        headers: inTenant(w.tenantA.id),
      });
      assertError(res, 404);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assertPlatformAccess(audit[0], w, w.tenantA.id, {
        method: "GET",
        path: `${API}/regions/${B1.id}`,
        status: 404,
      });
    },
  );

  await s.step("platform admin naming an unknown or malformed tenant gets 404", async () => {
    for (const named of [UNKNOWN_ID, "tenant-a"]) {
      const res = await call(t, "GET", `${API}/regions`, {
        token: w.tokens.platform,
        headers: inTenant(named),
      });
      assertError(res, 404, "tenant_not_found");
    }
  });

  await s.step("every tenant role reads its own region by id", async () => {
    for (const who of TENANT_A_ROLES) {
      const res = await call(t, "GET", `${API}/regions/${A1.id}`, { token: w.tokens[who] });
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.id, A1.id);
      assert.equal(res.body.tenant_id, w.tenantA.id);
      assert.equal(res.body.name, "A1");
    }
  });

  await s.step(
    "super_admin and country_manager read every region of their tenant by id",
    async () => {
      for (const who of MANAGERS) {
        const res = await call(t, "GET", `${API}/regions/${A2.id}/`, { token: w.tokens[who] });
        assert.equal(res.status, 200, `${who}: ${res.text}`);
        assert.equal(res.body.id, A2.id);
      }
    },
  );

  await s.step(
    "region_manager, branch_admin and consultant get 404 for another region",
    async () => {
      for (const who of REGION_SCOPED) {
        assertError(await call(t, "GET", `${API}/regions/${A2.id}`, { token: w.tokens[who] }), 404);
      }
      assertError(
        await call(t, "GET", `${API}/regions/${A1.id}`, { token: w.tokens.consultantA2a }),
        404,
      );
    },
  );

  await s.step("no tenant role sees another tenant's region (404, never 403)", async () => {
    for (const who of TENANT_A_ROLES) {
      assertError(await call(t, "GET", `${API}/regions/${B1.id}`, { token: w.tokens[who] }), 404);
    }
    for (const who of TENANT_B_ROLES) {
      assertError(await call(t, "GET", `${API}/regions/${A1.id}`, { token: w.tokens[who] }), 404);
    }
  });

  await s.step("a malformed or unknown region id is 404", async () => {
    for (const id of ["not-a-uuid", UNKNOWN_ID, "%27%20OR%201%3D1"]) {
      assertError(
        await call(t, "GET", `${API}/regions/${id}`, { token: w.tokens.superAdmin }),
        404,
      );
    }
  });

  await s.step("lists take ordering, search and paging; bad values are 422", async () => {
    const token = w.tokens.superAdmin;
    const byName = await call(t, "GET", `${API}/regions?ordering=-name`, { token });
    assert.equal(byName.status, 200, byName.text);
    assert.deepEqual(rows(byName).map((row) => row.name), ["A2", "A1"]);
    const search = await call(t, "GET", `${API}/regions?search=a2`, { token });
    assert.deepEqual(idsOf(search), [A2.id]);
    const paged = await call(t, "GET", `${API}/regions?ordering=name&page_size=1&colour=red`, {
      token,
    });
    assert.equal(paged.status, 200, paged.text);
    assert.equal(paged.body.count, 2);
    assert.deepEqual(idsOf(paged), [A1.id]);
    assert.match(paged.body.next as string, /^http:\/\/localhost\/api\/v1\/regions\?/);
    const second = await call(t, "GET", paged.body.next as string, { token });
    assert.deepEqual(idsOf(second), [A2.id]);
    const cursor = await call(t, "GET", `${API}/regions?cursor=&page_size=1`, { token });
    assert.equal(cursor.body.count, null);
    assert.equal(rows(cursor).length, 1);
    for (const query of ["ordering=bogus", "page=0", "page_size=0", "cursor=zzz"]) {
      assertError(await call(t, "GET", `${API}/regions?${query}`, { token }), 422);
    }
  });

  await s.step("region routes refuse a request without a valid token (401)", async () => {
    const before = await snapshot(t);
    const requests: [string, string, Row | undefined][] = [
      ["GET", `${API}/regions`, undefined],
      ["POST", `${API}/regions`, { name: "Anon" }],
      ["GET", `${API}/regions/${A1.id}`, undefined],
      ["PATCH", `${API}/regions/${A1.id}`, { name: "Anon" }],
      ["DELETE", `${API}/regions/${A1.id}`, undefined],
    ];
    for (const [method, path, body] of requests) {
      assertError(await call(t, method, path, { body }), 401);
      assertError(await call(t, method, path, { body, token: "garbage" }), 401);
    }
    assert.deepEqual(await snapshot(t), before);
  });

  t.close();
});

Deno.test("region writes: only super_admin and country_manager create and change regions", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1, A2, B1 } = w.regions;

  await s.step("super_admin creates a region; one create audit row", async () => {
    const res = await call(t, "POST", `${API}/regions`, {
      token: w.tokens.superAdmin,
      body: { name: "  North ", description: "Northern offices" },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, "North");
    assert.equal(res.body.description, "Northern offices");
    assert.equal(res.body.tenant_id, w.tenantA.id);
    assert.equal(res.body.created_by, w.users.superAdmin.id);
    assert.equal(res.body.updated_by, w.users.superAdmin.id);
    const id = res.body.id as string;
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const audit = await auditOf(t, res);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, "create");
    assert.equal(audit[0].entity_type, "region");
    assert.equal(audit[0].entity_id, id);
    assert.equal(audit[0].tenant_id, w.tenantA.id);
    assert.equal(audit[0].actor_id, w.users.superAdmin.id);
    assert.equal(audit[0].actor_role, "super_admin");
    assert.equal(audit[0].before, null);
    assert.deepEqual(audit[0].after, res.body);
    const read = await call(t, "GET", `${API}/regions/${id}`, { token: w.tokens.countryManager });
    assert.deepEqual(read.body, res.body);
  });

  await s.step(
    "country_manager creates a region (trailing slash), description defaults to empty",
    async () => {
      const res = await call(t, "POST", `${API}/regions/`, {
        token: w.tokens.countryManager,
        body: { name: "South" },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.description, "");
      assert.equal(res.body.tenant_id, w.tenantA.id);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].actor_id, w.users.countryManager.id);
      assert.equal(audit[0].action, "create");
    },
  );

  await s.step("a staff X-Tenant-ID naming another tenant does not move the write", async () => {
    const res = await call(t, "POST", `${API}/regions`, {
      token: w.tokens.superAdmin,
      headers: inTenant(w.tenantB.id),
      body: { name: "East" },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.tenant_id, w.tenantA.id);
  });

  await s.step(
    "platform admin with X-Tenant-ID creates a region in that tenant; create and access audited",
    async () => {
      const res = await call(t, "POST", `${API}/regions`, {
        token: w.tokens.platform,
        headers: inTenant(w.tenantB.id),
        body: { name: "B2" },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.tenant_id, w.tenantB.id);
      assert.equal(res.body.created_by, w.users.platform.id);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 2, JSON.stringify(audit));
      const create = audit.find((row) => row.action === "create");
      assert.ok(create);
      assert.equal(create.entity_type, "region");
      assert.equal(create.entity_id, res.body.id);
      assert.equal(create.tenant_id, w.tenantB.id);
      assert.equal(create.actor_id, w.users.platform.id);
      assertPlatformAccess(audit.find((row) => row.action === "platform_access"), w, w.tenantB.id, {
        method: "POST",
        path: `${API}/regions`,
        status: 201,
      });
      const seen = await call(t, "GET", `${API}/regions`, { token: w.tokens.consultantB });
      assert.ok(!idsOf(seen).includes(res.body.id as string), "consultantB sees only B1");
      const byB = await call(t, "GET", `${API}/regions`, { token: w.tokens.superAdminB });
      assert.ok(idsOf(byB).includes(res.body.id as string));
    },
  );

  await s.step(
    "region_manager, branch_admin and consultant get 403 creating a region",
    async () => {
      const before = await snapshot(t);
      for (const who of [...REGION_SCOPED, "regionManagerB", "consultantB"] as Who[]) {
        const res = await call(t, "POST", `${API}/regions`, {
          token: w.tokens[who],
          body: { name: `By ${who}` },
        });
        assertError(res, 403, "forbidden");
      }
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step(
    "super_admin and country_manager patch a region; audit holds only the changed fields",
    async () => {
      const first = await call(t, "PATCH", `${API}/regions/${A2.id}`, {
        token: w.tokens.superAdmin,
        body: { name: "A2 West" },
      });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.name, "A2 West");
      assert.equal(first.body.description, "");
      assert.equal(first.body.updated_by, w.users.superAdmin.id);
      let audit = await auditOf(t, first);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].action, "update");
      assert.equal(audit[0].entity_type, "region");
      assert.equal(audit[0].entity_id, A2.id);
      assert.equal(audit[0].tenant_id, w.tenantA.id);
      assert.equal(audit[0].actor_id, w.users.superAdmin.id);
      assert.deepEqual(audit[0].before, { name: "A2" });
      assert.deepEqual(audit[0].after, { name: "A2 West" });

      const second = await call(t, "PATCH", `${API}/regions/${A2.id}/`, {
        token: w.tokens.countryManager,
        body: { description: "Western offices", name: "A2 West" },
      });
      assert.equal(second.status, 200, second.text);
      assert.equal(second.body.name, "A2 West");
      assert.equal(second.body.description, "Western offices");
      audit = await auditOf(t, second);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].actor_id, w.users.countryManager.id);
      assert.deepEqual(audit[0].before, { description: "" });
      assert.deepEqual(audit[0].after, { description: "Western offices" });

      const read = await call(t, "GET", `${API}/regions/${A2.id}`, { token: w.tokens.superAdmin });
      assert.deepEqual(read.body, second.body);
    },
  );

  await s.step(
    "region-scoped roles get 403 patching their own region and 404 for another",
    async () => {
      const before = await snapshot(t);
      for (const who of REGION_SCOPED) {
        const own = await call(t, "PATCH", `${API}/regions/${A1.id}`, {
          token: w.tokens[who],
          body: { name: "Mine now" },
        });
        assertError(own, 403, "forbidden");
        const other = await call(t, "PATCH", `${API}/regions/${A2.id}`, {
          token: w.tokens[who],
          body: { name: "Mine now" },
        });
        assertError(other, 404);
      }
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step("no one patches another tenant's region (404)", async () => {
    const before = await snapshot(t);
    for (const who of TENANT_A_ROLES) {
      const res = await call(t, "PATCH", `${API}/regions/${B1.id}`, {
        token: w.tokens[who],
        body: { name: "Annexed" },
      });
      assertError(res, 404);
    }
    const platform = await call(t, "PATCH", `${API}/regions/${B1.id}`, {
      token: w.tokens.platform,
      headers: inTenant(w.tenantA.id),
      body: { name: "Annexed" },
    });
    assertError(platform, 404);
    const audit = await auditOf(t, platform);
    assert.equal(audit.length, 1, "only the platform_access row");
    assertPlatformAccess(audit[0], w, w.tenantA.id, {
      method: "PATCH",
      path: `${API}/regions/${B1.id}`,
      status: 404,
    });
    const after = await snapshot(t);
    assert.deepEqual(after.regions, before.regions);
    assert.equal(after.counts.audit_logs, before.counts.audit_logs + 1);
  });

  await s.step("platform admin with X-Tenant-ID patches that tenant's region", async () => {
    const res = await call(t, "PATCH", `${API}/regions/${B1.id}`, {
      token: w.tokens.platform,
      headers: inTenant(w.tenantB.id),
      body: { description: "Fixed by support" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.description, "Fixed by support");
    const audit = await auditOf(t, res);
    assert.equal(audit.length, 2, JSON.stringify(audit));
    const update = audit.find((row) => row.action === "update");
    assert.ok(update);
    assert.equal(update.entity_id, B1.id);
    assert.equal(update.actor_id, w.users.platform.id);
    assert.deepEqual(update.before, { description: "" });
    assert.deepEqual(update.after, { description: "Fixed by support" });
  });

  await s.step(
    "a duplicate name in a tenant is 409 and writes nothing; other tenants may reuse it",
    async () => {
      const before = await snapshot(t);
      for (const name of ["A1", "  A1  "]) {
        const res = await call(t, "POST", `${API}/regions`, {
          token: w.tokens.countryManager,
          body: { name },
        });
        assertError(res, 409, "region_name_taken");
      }
      const rename = await call(t, "PATCH", `${API}/regions/${A2.id}`, {
        token: w.tokens.superAdmin,
        body: { name: "A1" },
      });
      assertError(rename, 409, "region_name_taken");
      assert.deepEqual(await snapshot(t), before);

      const elsewhere = await call(t, "POST", `${API}/regions`, {
        token: w.tokens.superAdminB,
        body: { name: "A1" },
      });
      assert.equal(elsewhere.status, 201, elsewhere.text);
      assert.equal(elsewhere.body.tenant_id, w.tenantB.id);
    },
  );

  t.close();
});

Deno.test("region deletion: only empty regions, only by tenant managers", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1, A2, B1 } = w.regions;

  await s.step("an empty region is deleted (204), audited, and then 404", async () => {
    const region = await createRegion(t, w.tokens.superAdmin, {
      name: "Short-lived",
      description: "Opened by mistake",
    });
    const id = region.id as string;
    const res = await call(t, "DELETE", `${API}/regions/${id}`, { token: w.tokens.countryManager });
    assert.equal(res.status, 204, res.text);
    assert.equal(res.text, "");
    const audit = await auditOf(t, res);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, "delete");
    assert.equal(audit[0].entity_type, "region");
    assert.equal(audit[0].entity_id, id);
    assert.equal(audit[0].tenant_id, w.tenantA.id);
    assert.equal(audit[0].actor_id, w.users.countryManager.id);
    assert.deepEqual(audit[0].before, region);
    assert.equal(audit[0].after, null);

    assertError(await call(t, "GET", `${API}/regions/${id}`, { token: w.tokens.superAdmin }), 404);
    assertError(
      await call(t, "DELETE", `${API}/regions/${id}`, { token: w.tokens.superAdmin }),
      404,
    );
    assertError(
      await call(t, "PATCH", `${API}/regions/${id}`, {
        token: w.tokens.superAdmin,
        body: { name: "Back" },
      }),
      404,
    );
    const list = await call(t, "GET", `${API}/regions`, { token: w.tokens.superAdmin });
    assert.ok(!idsOf(list).includes(id));
  });

  await s.step(
    "a region with branches and users is 409 region_in_use and nothing changes",
    async () => {
      for (const region of [A1, A2]) {
        const before = await snapshot(t);
        const res = await call(t, "DELETE", `${API}/regions/${region.id}`, {
          token: w.tokens.superAdmin,
        });
        assertError(res, 409, "region_in_use");
        assert.deepEqual(await snapshot(t), before);
        const still = await call(t, "GET", `${API}/regions/${region.id}`, {
          token: w.tokens.superAdmin,
        });
        assert.equal(still.status, 200, still.text);
      }
    },
  );

  await s.step("a region with users but no branches is 409", async () => {
    const region = await createRegion(t, w.tokens.superAdmin, { name: "Staffed" });
    await insertUser(t.db, "region_manager", {
      tenantId: w.tenantA.id,
      regionId: region.id as string,
    });
    const before = await snapshot(t);
    const res = await call(t, "DELETE", `${API}/regions/${region.id}`, {
      token: w.tokens.superAdmin,
    });
    assertError(res, 409, "region_in_use");
    assert.deepEqual(await snapshot(t), before);
  });

  await s.step(
    "a region with branches but no users is 409, even when the branch is soft-deleted",
    async () => {
      const region = await createRegion(t, w.tokens.superAdmin, { name: "Branched" });
      const branch = await call(t, "POST", `${API}/branches`, {
        token: w.tokens.superAdmin,
        body: { name: "Lonely branch", region_id: region.id },
      });
      assert.equal(branch.status, 201, branch.text);
      let before = await snapshot(t);
      let res = await call(t, "DELETE", `${API}/regions/${region.id}`, {
        token: w.tokens.superAdmin,
      });
      assertError(res, 409, "region_in_use");
      assert.deepEqual(await snapshot(t), before);

      const removed = await call(t, "DELETE", `${API}/branches/${branch.body.id}`, {
        token: w.tokens.superAdmin,
      });
      assert.equal(removed.status, 204, removed.text);
      before = await snapshot(t);
      res = await call(t, "DELETE", `${API}/regions/${region.id}`, { token: w.tokens.superAdmin });
      assertError(res, 409, "region_in_use");
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step(
    "region-scoped roles get 403 deleting their own region, 404 for another",
    async () => {
      const empty = await createRegion(t, w.tokens.superAdmin, { name: "Empty" });
      const before = await snapshot(t);
      for (const who of REGION_SCOPED) {
        const own = await call(t, "DELETE", `${API}/regions/${A1.id}`, { token: w.tokens[who] });
        assertError(own, 403, "forbidden");
        assertError(
          await call(t, "DELETE", `${API}/regions/${A2.id}`, { token: w.tokens[who] }),
          404,
        );
        const other = await call(t, "DELETE", `${API}/regions/${empty.id}`, {
          token: w.tokens[who],
        });
        assertError(other, 404);
      }
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step("no one deletes another tenant's region (404)", async () => {
    const emptyB = await createRegion(t, w.tokens.superAdminB, { name: "Empty B" });
    const before = await snapshot(t);
    for (const who of TENANT_A_ROLES) {
      for (const id of [B1.id, emptyB.id as string]) {
        assertError(await call(t, "DELETE", `${API}/regions/${id}`, { token: w.tokens[who] }), 404);
      }
    }
    assert.deepEqual(await snapshot(t), before);
    const platform = await call(t, "DELETE", `${API}/regions/${emptyB.id}`, {
      token: w.tokens.platform,
      headers: inTenant(w.tenantA.id),
    });
    assertError(platform, 404);
    const after = await snapshot(t);
    assert.deepEqual(after.regions, before.regions);
  });

  await s.step(
    "platform admin with X-Tenant-ID deletes an empty region of that tenant",
    async () => {
      const emptyB = await createRegion(t, w.tokens.countryManagerB, { name: "Doomed B" });
      const res = await call(t, "DELETE", `${API}/regions/${emptyB.id}`, {
        token: w.tokens.platform,
        headers: inTenant(w.tenantB.id),
      });
      assert.equal(res.status, 204, res.text);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 2, JSON.stringify(audit));
      const deleted = audit.find((row) => row.action === "delete");
      assert.ok(deleted);
      assert.equal(deleted.entity_id, emptyB.id);
      assert.equal(deleted.tenant_id, w.tenantB.id);
      assert.equal(deleted.actor_id, w.users.platform.id);
      assert.deepEqual(deleted.before, emptyB);
      assertPlatformAccess(audit.find((row) => row.action === "platform_access"), w, w.tenantB.id, {
        method: "DELETE",
        path: `${API}/regions/${emptyB.id}`,
        status: 204,
      });
      assertError(
        await call(t, "GET", `${API}/regions/${emptyB.id}`, { token: w.tokens.superAdminB }),
        404,
      );
    },
  );

  await s.step("a malformed or unknown region id is 404 on delete", async () => {
    const before = await snapshot(t);
    for (const id of ["nope", UNKNOWN_ID]) {
      assertError(
        await call(t, "DELETE", `${API}/regions/${id}`, { token: w.tokens.superAdmin }),
        404,
      );
    }
    assert.deepEqual(await snapshot(t), before);
  });

  t.close();
});

type WriteRoute = {
  label: string;
  method: string;
  path: string;
  valid: Row;
  wrongTypes: [unknown, string][];
};

Deno.test("bad input on every region write is refused and writes nothing", async (s) => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);
  const token = w.tokens.superAdmin;
  const routes: WriteRoute[] = [
    {
      label: "POST /regions",
      method: "POST",
      path: `${API}/regions`,
      valid: { name: "Fresh" },
      wrongTypes: [
        [{ name: 42 }, "name"],
        [{ name: "" }, "name"],
        [{ name: "   " }, "name"],
        [{ name: "x".repeat(201) }, "name"],
        [{}, "name"],
        [{ name: "Ok", description: 5 }, "description"],
        [{ name: "Ok", description: null }, "description"],
        [[{ name: "Ok" }], ""],
        ["Fresh", ""],
      ],
    },
    {
      label: "PATCH /regions/{id}",
      method: "PATCH",
      path: `${API}/regions/${w.regions.A1.id}`,
      valid: { name: "Fresh" },
      wrongTypes: [
        [{ name: false }, "name"],
        [{ name: "" }, "name"],
        [{ description: ["a"] }, "description"],
        [{ description: { text: "d" } }, "description"],
        [null, ""],
      ],
    },
  ];

  await s.step("malformed JSON is 400 malformed_json", async () => {
    for (const route of routes) {
      const before = await snapshot(t);
      for (const rawBody of ["{", '{"name": "x",}', "nul"]) {
        const res = await call(t, route.method, route.path, {
          token,
          rawBody,
          headers: { "content-type": "application/json" },
        });
        assertError(res, 400, "malformed_json");
      }
      assert.deepEqual(await snapshot(t), before, route.label);
    }
  });

  await s.step("wrong types are 422 validation_error with details", async () => {
    for (const route of routes) {
      const before = await snapshot(t);
      for (const [body, field] of route.wrongTypes) {
        const res = await call(t, route.method, route.path, { token, body });
        assertError(res, 422, "validation_error");
        const details = res.body.details as { path: string[] }[];
        assert.ok(Array.isArray(details) && details.length > 0, res.text);
        assert.ok(
          details.some((d) => d.path.join(".").includes(field)),
          `${route.label} ${JSON.stringify(body)}: details should name '${field}': ${res.text}`,
        );
      }
      assert.deepEqual(await snapshot(t), before, route.label);
    }
  });

  await s.step("unknown body fields are 422 (no mass assignment)", async () => {
    for (const route of routes) {
      const before = await snapshot(t);
      const bodies: Row[] = [
        { ...route.valid, tenant_id: w.tenantB.id },
        { ...route.valid, id: "01900000-0000-7000-8000-000000000000" },
        { ...route.valid, created_by: w.users.consultant.id },
        { ...route.valid, colour: "red" },
      ];
      for (const body of bodies) {
        const res = await call(t, route.method, route.path, { token, body });
        assertError(res, 422, "validation_error");
        assert.ok(Array.isArray(res.body.details), res.text);
      }
      assert.deepEqual(await snapshot(t), before, route.label);
    }
  });

  await s.step("a text/plain body is 415 unsupported_media_type", async () => {
    for (const route of routes) {
      const before = await snapshot(t);
      const text = JSON.stringify(route.valid);
      const variants: Record<string, string>[] = [{ "content-length": String(text.length) }, {}];
      for (const headers of variants) {
        const res = await call(t, route.method, route.path, {
          token,
          rawBody: text,
          headers: { "content-type": "text/plain", ...headers },
        });
        assertError(res, 415, "unsupported_media_type");
      }
      const form = await call(t, route.method, route.path, {
        token,
        rawBody: "name=Fresh",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      assertError(form, 415, "unsupported_media_type");
      assert.deepEqual(await snapshot(t), before, route.label);
    }
  });

  await s.step("a body over the size limit is 413", async () => {
    for (const route of routes) {
      const before = await snapshot(t);
      const res = await call(t, route.method, route.path, {
        token,
        body: { ...route.valid, description: "d".repeat(1500) },
      });
      assertError(res, 413, "payload_too_large");
      assert.deepEqual(await snapshot(t), before, route.label);
    }
  });

  await s.step(
    "a platform admin's refused request writes only its platform_access row",
    async () => {
      const before = await snapshot(t);
      const res = await call(t, "POST", `${API}/regions`, {
        token: w.tokens.platform,
        headers: inTenant(w.tenantA.id),
        body: { name: 7 },
      });
      assertError(res, 422, "validation_error");
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assertPlatformAccess(audit[0], w, w.tenantA.id, {
        method: "POST",
        path: `${API}/regions`,
        status: 422,
      });
      const after = await snapshot(t);
      assert.deepEqual(after.regions, before.regions);
      assert.deepEqual(after.counts, {
        ...before.counts,
        audit_logs: before.counts.audit_logs + 1,
      });
    },
  );

  t.close();
});
