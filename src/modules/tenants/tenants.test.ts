/**
 * Black-box HTTP tests of /api/v1/tenants: who sees which agency, who may change
 * it, settings validation and merging, suspension, audit, and list pagination.
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
  PASSWORD,
  type Res,
  tableCounts,
  TENANT_A_ROLES,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const API = "/api/v1";
const DEFAULTS = {
  timezone: "UTC",
  visa_expiry_notice_days: 30,
  passport_expiry_notice_days: 90,
  default_currency: "USD",
};
const OTHER_A_USERS: Who[] = [
  "regionManagerA2",
  "branchAdminA1b",
  "consultantA1b",
  "consultantA2a",
];
const TENANT_B_ROLES: Who[] = [
  "superAdminB",
  "countryManagerB",
  "regionManagerB",
  "branchAdminB",
  "consultantB",
];

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

/** Row counts plus the full tenants and regions rows, to prove a refusal changed nothing. */
async function snapshot(t: TestApp) {
  return {
    counts: await tableCounts(t.db),
    tenants: await t.db.select().from(tenants).orderBy(asc(tenants.id)),
    regions: await t.db.select().from(regions).orderBy(asc(regions.id)),
  };
}

function assertPlatformAccess(
  row: typeof audit_logs.$inferSelect,
  w: World,
  tenantId: string,
  expected: { method: string; path: string; status: number },
) {
  assert.equal(row.action, "platform_access");
  assert.equal(row.entity_type, "request");
  assert.equal(row.entity_id, null);
  assert.equal(row.tenant_id, tenantId);
  assert.equal(row.actor_id, w.users.platform.id);
  assert.equal(row.actor_role, "super_super_admin");
  assert.deepEqual(row.after, expected);
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

Deno.test("tenant reads: the platform sees every tenant, staff only their own", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const A = w.tenantA.id;
  const B = w.tenantB.id;

  await s.step("platform admin lists every tenant", async () => {
    const res = await call(t, "GET", `${API}/tenants`, { token: w.tokens.platform });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.count, 2);
    assert.deepEqual(idsOf(res).sort(), [A, B].sort());
    assert.equal((await auditOf(t, res)).length, 0, "no tenant named: nothing to audit");
  });

  await s.step("every staff role lists only its own tenant", async () => {
    for (const who of [...TENANT_A_ROLES, ...OTHER_A_USERS, ...TENANT_B_ROLES]) {
      const res = await call(t, "GET", `${API}/tenants`, { token: w.tokens[who] });
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.count, 1, who);
      assert.deepEqual(idsOf(res), [w.users[who].tenant_id], who);
    }
  });

  await s.step("platform admin reads any tenant by id", async () => {
    for (const tenant of [w.tenantA, w.tenantB]) {
      const res = await call(t, "GET", `${API}/tenants/${tenant.id}`, { token: w.tokens.platform });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id, tenant.id);
      assert.equal(res.body.name, tenant.name);
      assert.equal(res.body.is_active, true);
      assert.deepEqual(res.body.settings, DEFAULTS);
    }
  });

  await s.step("staff read their own tenant by id", async () => {
    for (const who of [...TENANT_A_ROLES, ...OTHER_A_USERS]) {
      const res = await call(t, "GET", `${API}/tenants/${A}`, { token: w.tokens[who] });
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.id, A);
    }
  });

  await s.step("staff get 404 (never 403) for another tenant's id", async () => {
    for (const who of TENANT_A_ROLES) {
      assertError(await call(t, "GET", `${API}/tenants/${B}`, { token: w.tokens[who] }), 404);
    }
    for (const who of TENANT_B_ROLES) {
      assertError(await call(t, "GET", `${API}/tenants/${A}`, { token: w.tokens[who] }), 404);
    }
  });

  await s.step("a malformed or unknown tenant id is 404", async () => {
    for (const id of ["not-a-uuid", "01900000-0000-7000-8000-000000000000", "1' OR '1'='1"]) {
      const path = `${API}/tenants/${encodeURIComponent(id)}`;
      assertError(await call(t, "GET", path, { token: w.tokens.platform }), 404);
      assertError(await call(t, "GET", path, { token: w.tokens.superAdmin }), 404);
    }
  });

  await s.step("every tenant user reads its own tenant at /tenants/current", async () => {
    for (const who of [...TENANT_A_ROLES, ...OTHER_A_USERS, ...TENANT_B_ROLES]) {
      const res = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens[who] });
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.id, w.users[who].tenant_id, who);
      assert.deepEqual(res.body.settings, DEFAULTS, who);
    }
    const slash = await call(t, "GET", `${API}/tenants/current/`, { token: w.tokens.consultant });
    assert.equal(slash.status, 200, slash.text);
    assert.equal(slash.body.id, A);
  });

  await s.step(
    "platform admin without X-Tenant-ID gets 400 tenant_required on /tenants/current",
    async () => {
      const res = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens.platform });
      assertError(res, 400, "tenant_required");
    },
  );

  await s.step(
    "platform admin with X-Tenant-ID reads that tenant, and the access is audited",
    async () => {
      const res = await call(t, "GET", `${API}/tenants/current`, {
        token: w.tokens.platform,
        headers: inTenant(B),
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id, B);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assertPlatformAccess(audit[0], w, B, {
        method: "GET",
        path: `${API}/tenants/current`,
        status: 200,
      });
    },
  );

  await s.step("X-Tenant-ID is ignored for staff: scope comes from the token", async () => {
    for (const who of TENANT_A_ROLES) {
      const res = await call(t, "GET", `${API}/tenants/current`, {
        token: w.tokens[who],
        headers: inTenant(B),
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id, A, who);
      assert.equal((await auditOf(t, res)).length, 0, who);
      const other = await call(t, "GET", `${API}/tenants/${B}`, {
        token: w.tokens[who],
        headers: inTenant(B),
      });
      assertError(other, 404);
    }
  });

  await s.step("platform admin naming an unknown or malformed tenant gets 404", async () => {
    for (const named of ["01900000-0000-7000-8000-000000000000", "agency-a"]) {
      const res = await call(t, "GET", `${API}/tenants/current`, {
        token: w.tokens.platform,
        headers: inTenant(named),
      });
      assertError(res, 404, "tenant_not_found");
    }
  });

  await s.step("every tenants route refuses a request without a valid token (401)", async () => {
    const routes: [string, string][] = [
      ["GET", `${API}/tenants`],
      ["POST", `${API}/tenants`],
      ["GET", `${API}/tenants/current`],
      ["PATCH", `${API}/tenants/current`],
      ["GET", `${API}/tenants/${A}`],
      ["PATCH", `${API}/tenants/${A}`],
      ["POST", `${API}/tenants/${A}/suspend`],
      ["POST", `${API}/tenants/${A}/reactivate`],
    ];
    const before = await snapshot(t);
    for (const [method, path] of routes) {
      const body = method === "GET" || path.endsWith("suspend") || path.endsWith("reactivate")
        ? undefined
        : { name: "Intruder" };
      assertError(await call(t, method, path, { body }), 401);
      assertError(await call(t, method, path, { body, token: "not.a.jwt" }), 401);
    }
    assert.deepEqual(await snapshot(t), before);
  });

  t.close();
});

Deno.test("tenant administration (create, patch, suspend, reactivate) is platform-only", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const A = w.tenantA.id;
  const B = w.tenantB.id;

  await s.step(
    "platform admin creates a tenant, settings defaulted key by key, audited",
    async () => {
      const res = await call(t, "POST", `${API}/tenants`, {
        token: w.tokens.platform,
        body: {
          name: "  Harbour Migration ",
          domain: "Harbour-Migration.Test",
          subscription_status: "active",
          settings: { timezone: "Australia/Sydney", default_currency: "AUD" },
        },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.name, "Harbour Migration");
      assert.equal(res.body.domain, "harbour-migration.test");
      assert.equal(res.body.is_active, true);
      assert.equal(res.body.subscription_status, "active");
      assert.deepEqual(res.body.settings, {
        ...DEFAULTS,
        timezone: "Australia/Sydney",
        default_currency: "AUD",
      });
      assert.equal(res.body.created_by, w.users.platform.id);
      const id = res.body.id as string;
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1, "exactly one audit row, no platform_access without a header");
      assert.equal(audit[0].action, "create");
      assert.equal(audit[0].entity_type, "tenant");
      assert.equal(audit[0].entity_id, id);
      assert.equal(audit[0].tenant_id, id);
      assert.equal(audit[0].actor_id, w.users.platform.id);
      assert.equal(audit[0].before, null);
      assert.deepEqual(audit[0].after, res.body);

      const read = await call(t, "GET", `${API}/tenants/${id}`, { token: w.tokens.platform });
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, res.body);
      const list = await call(t, "GET", `${API}/tenants`, { token: w.tokens.platform });
      assert.equal(list.body.count, 3);
      assert.ok(idsOf(list).includes(id));
    },
  );

  await s.step("a tenant created with only a name gets every default setting", async () => {
    const res = await call(t, "POST", `${API}/tenants/`, {
      token: w.tokens.platform,
      body: { name: "Minimal Agency" },
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.settings, DEFAULTS);
    assert.equal(res.body.domain, null);
    assert.equal(res.body.subscription_status, "trial");
  });

  await s.step("no staff role may create a tenant (403), and nothing is written", async () => {
    const before = await snapshot(t);
    for (const who of [...TENANT_A_ROLES, ...TENANT_B_ROLES]) {
      const res = await call(t, "POST", `${API}/tenants`, {
        token: w.tokens[who],
        body: { name: `Rogue ${who}` },
      });
      assertError(res, 403, "forbidden");
    }
    assert.deepEqual(await snapshot(t), before);
  });

  await s.step(
    "platform admin patches a tenant; the audit holds only the changed fields",
    async () => {
      const res = await call(t, "PATCH", `${API}/tenants/${A}`, {
        token: w.tokens.platform,
        body: {
          name: "Agency A Renamed",
          domain: "Agency-A.Example",
          subscription_status: "past_due",
        },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.name, "Agency A Renamed");
      assert.equal(res.body.domain, "agency-a.example");
      assert.equal(res.body.subscription_status, "past_due");
      assert.deepEqual(res.body.settings, DEFAULTS);
      assert.equal(res.body.updated_by, w.users.platform.id);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].action, "update");
      assert.equal(audit[0].entity_type, "tenant");
      assert.equal(audit[0].entity_id, A);
      assert.equal(audit[0].tenant_id, A);
      assert.equal(audit[0].actor_id, w.users.platform.id);
      assert.deepEqual(audit[0].before, {
        name: "Agency A",
        domain: null,
        subscription_status: "trial",
      });
      assert.deepEqual(audit[0].after, {
        name: "Agency A Renamed",
        domain: "agency-a.example",
        subscription_status: "past_due",
      });
      const read = await call(t, "GET", `${API}/tenants/${A}`, { token: w.tokens.platform });
      assert.deepEqual(read.body, res.body);
    },
  );

  await s.step("platform admin's settings patches merge key by key", async () => {
    const first = await call(t, "PATCH", `${API}/tenants/${B}`, {
      token: w.tokens.platform,
      body: { settings: { timezone: "Europe/Paris" } },
    });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body.settings, { ...DEFAULTS, timezone: "Europe/Paris" });
    const second = await call(t, "PATCH", `${API}/tenants/${B}`, {
      token: w.tokens.platform,
      body: { settings: { default_currency: "EUR", passport_expiry_notice_days: 120 } },
    });
    assert.equal(second.status, 200, second.text);
    const merged = {
      ...DEFAULTS,
      timezone: "Europe/Paris",
      default_currency: "EUR",
      passport_expiry_notice_days: 120,
    };
    assert.deepEqual(second.body.settings, merged);
    const audit = await auditOf(t, second);
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].before, { settings: { ...DEFAULTS, timezone: "Europe/Paris" } });
    assert.deepEqual(audit[0].after, { settings: merged });
    const read = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens.consultantB });
    assert.deepEqual(read.body.settings, merged);
  });

  await s.step(
    "staff get 403 changing their own tenant by id, 404 for another tenant",
    async () => {
      const before = await snapshot(t);
      for (const who of TENANT_A_ROLES) {
        const token = w.tokens[who];
        const own = await call(t, "PATCH", `${API}/tenants/${A}`, {
          token,
          body: { name: "Mine" },
        });
        assertError(own, 403, "forbidden");
        const other = await call(t, "PATCH", `${API}/tenants/${B}`, {
          token,
          body: { name: "Yours" },
        });
        assertError(other, 404);
        assertError(
          await call(t, "POST", `${API}/tenants/${A}/suspend`, { token }),
          403,
          "forbidden",
        );
        assertError(await call(t, "POST", `${API}/tenants/${B}/suspend`, { token }), 404);
        assertError(
          await call(t, "POST", `${API}/tenants/${A}/reactivate`, { token }),
          403,
          "forbidden",
        );
        assertError(await call(t, "POST", `${API}/tenants/${B}/reactivate`, { token }), 404);
      }
      for (const who of TENANT_B_ROLES) {
        const token = w.tokens[who];
        assertError(
          await call(t, "POST", `${API}/tenants/${B}/suspend`, { token }),
          403,
          "forbidden",
        );
        assertError(await call(t, "POST", `${API}/tenants/${A}/suspend`, { token }), 404);
      }
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step(
    "platform admin gets 404 for an unknown tenant id on every admin route",
    async () => {
      const before = await snapshot(t);
      const token = w.tokens.platform;
      for (const id of ["01900000-0000-7000-8000-000000000000", "nope"]) {
        assertError(
          await call(t, "PATCH", `${API}/tenants/${id}`, { token, body: { name: "X" } }),
          404,
        );
        assertError(await call(t, "POST", `${API}/tenants/${id}/suspend`, { token }), 404);
        assertError(await call(t, "POST", `${API}/tenants/${id}/reactivate`, { token }), 404);
      }
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step(
    "platform admin with X-Tenant-ID may administer that tenant; both rows audited",
    async () => {
      const res = await call(t, "PATCH", `${API}/tenants/${A}`, {
        token: w.tokens.platform,
        headers: inTenant(A),
        body: { subscription_status: "active" },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.subscription_status, "active");
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 2, JSON.stringify(audit));
      const update = audit.find((row) => row.action === "update");
      const access = audit.find((row) => row.action === "platform_access");
      assert.ok(update && access);
      assert.deepEqual(update.before, { subscription_status: "past_due" });
      assert.deepEqual(update.after, { subscription_status: "active" });
      assert.equal(update.actor_id, w.users.platform.id);
      assertPlatformAccess(access, w, A, {
        method: "PATCH",
        path: `${API}/tenants/${A}`,
        status: 200,
      });
    },
  );

  await s.step(
    "platform admin with X-Tenant-ID lists, reads, creates, suspends and reactivates; each request audited",
    async () => {
      const token = w.tokens.platform;
      const headers = inTenant(B);
      const list = await call(t, "GET", `${API}/tenants`, { token, headers });
      assert.equal(list.status, 200, list.text);
      assert.ok(idsOf(list).includes(B));
      const one = await call(t, "GET", `${API}/tenants/${B}`, { token, headers });
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.id, B);
      const created = await call(t, "POST", `${API}/tenants`, {
        token,
        headers,
        body: { name: "Created While Inside B" },
      });
      assert.equal(created.status, 201, created.text);
      const suspend = await call(t, "POST", `${API}/tenants/${B}/suspend`, { token, headers });
      assert.equal(suspend.status, 200, suspend.text);
      assert.equal(suspend.body.is_active, false);
      const reactivate = await call(t, "POST", `${API}/tenants/${B}/reactivate`, {
        token,
        headers,
      });
      assert.equal(reactivate.status, 200, reactivate.text);
      assert.equal(reactivate.body.is_active, true);

      const expected: [Res, string, string, string | null][] = [
        [list, "GET", `${API}/tenants`, null],
        [one, "GET", `${API}/tenants/${B}`, null],
        [created, "POST", `${API}/tenants`, "create"],
        [suspend, "POST", `${API}/tenants/${B}/suspend`, "suspend"],
        [reactivate, "POST", `${API}/tenants/${B}/reactivate`, "reactivate"],
      ];
      for (const [res, method, path, action] of expected) {
        const audit = await auditOf(t, res);
        assert.equal(audit.length, action ? 2 : 1, `${method} ${path}: ${JSON.stringify(audit)}`);
        const access = audit.filter((row) => row.action === "platform_access");
        assert.equal(access.length, 1, `${method} ${path}`);
        assertPlatformAccess(access[0], w, B, { method, path, status: res.status });
        if (action) {
          const entry = audit.find((row) => row.action === action);
          assert.ok(entry, `${method} ${path}: no ${action} row`);
          assert.equal(entry.entity_type, "tenant");
          assert.equal(entry.actor_id, w.users.platform.id);
        }
      }
    },
  );

  t.close();
});

Deno.test("PATCH /tenants/current: only the agency's super_admin changes its name and settings", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const A = w.tenantA.id;
  const B = w.tenantB.id;

  await s.step("super_admin renames its agency; audited with the changed field only", async () => {
    const res = await call(t, "PATCH", `${API}/tenants/current`, {
      token: w.tokens.superAdmin,
      body: { name: "Harbour A" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, A);
    assert.equal(res.body.name, "Harbour A");
    assert.equal(res.body.updated_by, w.users.superAdmin.id);
    const audit = await auditOf(t, res);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, "update");
    assert.equal(audit[0].entity_type, "tenant");
    assert.equal(audit[0].entity_id, A);
    assert.equal(audit[0].tenant_id, A);
    assert.equal(audit[0].actor_id, w.users.superAdmin.id);
    assert.equal(audit[0].actor_role, "super_admin");
    assert.deepEqual(audit[0].before, { name: "Agency A" });
    assert.deepEqual(audit[0].after, { name: "Harbour A" });
  });

  await s.step("settings merge key by key across patches", async () => {
    const first = await call(t, "PATCH", `${API}/tenants/current/`, {
      token: w.tokens.superAdmin,
      body: { settings: { timezone: "Australia/Sydney" } },
    });
    assert.equal(first.status, 200, first.text);
    const sydney = { ...DEFAULTS, timezone: "Australia/Sydney" };
    assert.deepEqual(first.body.settings, sydney);
    const firstAudit = await auditOf(t, first);
    assert.equal(firstAudit.length, 1);
    assert.deepEqual(firstAudit[0].before, { settings: DEFAULTS });
    assert.deepEqual(firstAudit[0].after, { settings: sydney });

    const second = await call(t, "PATCH", `${API}/tenants/current`, {
      token: w.tokens.superAdmin,
      body: { settings: { default_currency: "AUD", visa_expiry_notice_days: 60 } },
    });
    assert.equal(second.status, 200, second.text);
    const merged = { ...sydney, default_currency: "AUD", visa_expiry_notice_days: 60 };
    assert.deepEqual(second.body.settings, merged);
    assert.equal(second.body.name, "Harbour A", "an untouched field keeps its value");
    const read = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens.consultant });
    assert.deepEqual(read.body.settings, merged);
    const other = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens.consultantB });
    assert.deepEqual(other.body.settings, DEFAULTS, "another tenant is untouched");
  });

  await s.step("every other tenant role gets 403 and nothing changes", async () => {
    const before = await snapshot(t);
    for (const who of [...TENANT_A_ROLES.slice(1), ...OTHER_A_USERS, ...TENANT_B_ROLES.slice(1)]) {
      const res = await call(t, "PATCH", `${API}/tenants/current`, {
        token: w.tokens[who],
        body: { name: `Taken over by ${who}`, settings: { timezone: "Asia/Tokyo" } },
      });
      assertError(res, 403, "forbidden");
    }
    assert.deepEqual(await snapshot(t), before);
  });

  await s.step("platform admin without X-Tenant-ID gets 400 tenant_required", async () => {
    const before = await snapshot(t);
    const res = await call(t, "PATCH", `${API}/tenants/current`, {
      token: w.tokens.platform,
      body: { name: "Nobody's" },
    });
    assertError(res, 400, "tenant_required");
    assert.deepEqual(await snapshot(t), before);
  });

  await s.step("platform admin with X-Tenant-ID edits that tenant as its super_admin", async () => {
    const res = await call(t, "PATCH", `${API}/tenants/current`, {
      token: w.tokens.platform,
      headers: inTenant(B),
      body: { settings: { timezone: "America/New_York" } },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, B);
    assert.deepEqual(res.body.settings, { ...DEFAULTS, timezone: "America/New_York" });
    const audit = await auditOf(t, res);
    assert.equal(audit.length, 2, JSON.stringify(audit));
    const update = audit.find((row) => row.action === "update");
    const access = audit.find((row) => row.action === "platform_access");
    assert.ok(update && access);
    assert.equal(update.entity_id, B);
    assert.equal(update.tenant_id, B);
    assert.equal(update.actor_id, w.users.platform.id);
    assert.deepEqual(update.before, { settings: DEFAULTS });
    assert.deepEqual(update.after, { settings: { ...DEFAULTS, timezone: "America/New_York" } });
    assertPlatformAccess(access, w, B, {
      method: "PATCH",
      path: `${API}/tenants/current`,
      status: 200,
    });
    const a = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens.superAdmin });
    assert.equal(a.body.settings && (a.body.settings as Row).timezone, "Australia/Sydney");
  });

  await s.step(
    "super_admin may not change domain, subscription, activity or id here (422)",
    async () => {
      const before = await snapshot(t);
      for (
        const body of [
          { domain: "evil.example" },
          { subscription_status: "active" },
          { is_active: false },
          { id: B },
          { name: "Fine", created_by: w.users.superAdmin.id },
        ]
      ) {
        const res = await call(t, "PATCH", `${API}/tenants/current`, {
          token: w.tokens.superAdmin,
          body,
        });
        assertError(res, 422, "validation_error");
      }
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step(
    "settings are validated: unknown key, bad timezone, bad currency, bad days → 422",
    async () => {
      const before = await snapshot(t);
      const cases: [Row, string][] = [
        [{ colour: "red" }, "settings"],
        [{ timezone: "Mars/Olympus_Mons" }, "timezone"],
        [{ timezone: 7 }, "timezone"],
        [{ default_currency: "DOLLARS" }, "default_currency"],
        [{ default_currency: "aud" }, "default_currency"],
        [{ default_currency: "US" }, "default_currency"],
        [{ visa_expiry_notice_days: 0 }, "visa_expiry_notice_days"],
        [{ visa_expiry_notice_days: "30" }, "visa_expiry_notice_days"],
        [{ passport_expiry_notice_days: 1.5 }, "passport_expiry_notice_days"],
      ];
      for (const [settings, field] of cases) {
        const res = await call(t, "PATCH", `${API}/tenants/current`, {
          token: w.tokens.superAdmin,
          body: { settings },
        });
        assertError(res, 422, "validation_error");
        assert.ok(Array.isArray(res.body.details), res.text);
        assert.ok(
          (res.body.details as { path: string[] }[]).some((d) => d.path.join(".").includes(field)),
          `${JSON.stringify(settings)}: details should name ${field}: ${res.text}`,
        );
      }
      const notAnObject = await call(t, "PATCH", `${API}/tenants/current`, {
        token: w.tokens.superAdmin,
        body: { settings: "UTC" },
      });
      assertError(notAnObject, 422, "validation_error");
      assert.deepEqual(await snapshot(t), before);
    },
  );

  await s.step("a made-up currency code that merely looks like ISO 4217 is 422", async () => {
    const before = await snapshot(t);
    const res = await call(t, "PATCH", `${API}/tenants/current`, {
      token: w.tokens.superAdmin,
      body: { settings: { default_currency: "QQQ" } },
    });
    assertError(res, 422, "validation_error");
    assert.deepEqual(await snapshot(t), before);
  });

  t.close();
});

Deno.test("suspending a tenant locks its users out until it is reactivated", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const A = w.tenantA.id;
  const B = w.tenantB.id;
  const usersOfA = [...TENANT_A_ROLES, ...OTHER_A_USERS];
  const session = await call(t, "POST", `${API}/auth/login`, {
    body: { email: w.users.consultant.email, password: PASSWORD },
  });
  assert.equal(session.status, 200, session.text);
  const refreshToken = session.body.refresh_token as string;

  await s.step(
    "platform admin suspends a tenant; audited as suspend with is_active only",
    async () => {
      const res = await call(t, "POST", `${API}/tenants/${A}/suspend`, {
        token: w.tokens.platform,
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id, A);
      assert.equal(res.body.is_active, false);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].action, "suspend");
      assert.equal(audit[0].entity_type, "tenant");
      assert.equal(audit[0].entity_id, A);
      assert.equal(audit[0].tenant_id, A);
      assert.equal(audit[0].actor_id, w.users.platform.id);
      assert.deepEqual(audit[0].before, { is_active: true });
      assert.deepEqual(audit[0].after, { is_active: false });
    },
  );

  await s.step(
    "every user of the suspended tenant gets 401 tenant_suspended on its next request",
    async () => {
      for (const who of usersOfA) {
        for (const path of [`${API}/tenants/current`, `${API}/regions`, `${API}/tenants`]) {
          const res = await call(t, "GET", path, { token: w.tokens[who] });
          assertError(res, 401, "tenant_suspended");
        }
      }
      const write = await call(t, "POST", `${API}/regions`, {
        token: w.tokens.superAdmin,
        body: { name: "While suspended" },
      });
      assertError(write, 401, "tenant_suspended");
    },
  );

  await s.step("a suspended tenant's users cannot log in or refresh", async () => {
    for (const who of usersOfA) {
      const res = await call(t, "POST", `${API}/auth/login`, {
        body: { email: w.users[who].email, password: PASSWORD },
      });
      assert.ok([401, 403].includes(res.status), `${who}: ${res.status} ${res.text}`);
      assertError(res, res.status, "tenant_suspended");
      assert.equal(res.body.access_token, undefined);
    }
    const refreshed = await call(t, "POST", `${API}/auth/refresh`, {
      body: { refresh_token: refreshToken },
    });
    assertError(refreshed, 401, "tenant_suspended");
  });

  await s.step("other tenants and the platform admin are unaffected", async () => {
    for (const who of TENANT_B_ROLES) {
      const res = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens[who] });
      assert.equal(res.status, 200, `${who}: ${res.text}`);
      assert.equal(res.body.id, B);
    }
    const list = await call(t, "GET", `${API}/tenants`, { token: w.tokens.platform });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.count, 2);
  });

  await s.step("the is_active filter tells suspended tenants from active ones", async () => {
    const token = w.tokens.platform;
    const inactive = await call(t, "GET", `${API}/tenants?is_active=false`, { token });
    assert.equal(inactive.status, 200, inactive.text);
    assert.deepEqual(idsOf(inactive), [A]);
    const active = await call(t, "GET", `${API}/tenants?is_active=true`, { token });
    assert.deepEqual(idsOf(active), [B]);
    assertError(await call(t, "GET", `${API}/tenants?is_active=maybe`, { token }), 422);
  });

  await s.step("suspending twice changes nothing and writes no second audit row", async () => {
    const res = await call(t, "POST", `${API}/tenants/${A}/suspend`, { token: w.tokens.platform });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.is_active, false);
    assert.equal((await auditOf(t, res)).length, 0);
  });

  await s.step(
    "reactivating restores access with the same tokens; audited as reactivate",
    async () => {
      const res = await call(t, "POST", `${API}/tenants/${A}/reactivate`, {
        token: w.tokens.platform,
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.is_active, true);
      const audit = await auditOf(t, res);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].action, "reactivate");
      assert.equal(audit[0].entity_type, "tenant");
      assert.equal(audit[0].entity_id, A);
      assert.equal(audit[0].actor_id, w.users.platform.id);
      assert.deepEqual(audit[0].before, { is_active: false });
      assert.deepEqual(audit[0].after, { is_active: true });

      for (const who of usersOfA) {
        const current = await call(t, "GET", `${API}/tenants/current`, { token: w.tokens[who] });
        assert.equal(current.status, 200, `${who}: ${current.text}`);
        assert.equal(current.body.id, A);
      }
      const login = await call(t, "POST", `${API}/auth/login`, {
        body: { email: w.users.branchAdmin.email, password: PASSWORD },
      });
      assert.equal(login.status, 200, login.text);
      const refreshed = await call(t, "POST", `${API}/auth/refresh`, {
        body: { refresh_token: refreshToken },
      });
      assert.equal(refreshed.status, 200, refreshed.text);
    },
  );

  t.close();
});

type WriteRoute = {
  label: string;
  method: string;
  path: string;
  token: string;
  /** Bodies with wrong types, each with a field that details must name. */
  wrongTypes: [unknown, string][];
  valid: Row | undefined;
  /** Puts the target back if a refused request slipped through, so steps stay independent. */
  reset?: () => Promise<unknown>;
};

async function tenantWriteRoutes(t: TestApp, w: World): Promise<WriteRoute[]> {
  const A = w.tenantA.id;
  const token = w.tokens.platform;
  // Their own targets for suspend and reactivate: C is active, D suspended, so a
  // request that slipped through would change them (and nothing else).
  const made = [];
  for (const name of ["Agency C", "Agency D"]) {
    const res = await call(t, "POST", `${API}/tenants`, { token, body: { name } });
    assert.equal(res.status, 201, res.text);
    made.push(res.body.id as string);
  }
  const [C, D] = made;
  const suspended = await call(t, "POST", `${API}/tenants/${D}/suspend`, { token });
  assert.equal(suspended.status, 200, suspended.text);
  return [
    {
      label: "POST /tenants",
      method: "POST",
      path: `${API}/tenants`,
      token,
      valid: { name: "New Agency" },
      wrongTypes: [
        [{ name: 42 }, "name"],
        [{ name: "" }, "name"],
        [{ name: "X", domain: "not a domain" }, "domain"],
        [{ name: "X", subscription_status: "gold" }, "subscription_status"],
        [{ name: "X", settings: { timezone: "Nowhere/Special" } }, "timezone"],
        [["name"], ""],
      ],
    },
    {
      label: "PATCH /tenants/{id}",
      method: "PATCH",
      path: `${API}/tenants/${A}`,
      token,
      valid: { name: "Renamed" },
      wrongTypes: [
        [{ name: ["A"] }, "name"],
        [{ domain: 12 }, "domain"],
        [{ settings: { visa_expiry_notice_days: -1 } }, "visa_expiry_notice_days"],
        [{ settings: { default_currency: 978 } }, "default_currency"],
      ],
    },
    {
      label: "PATCH /tenants/current",
      method: "PATCH",
      path: `${API}/tenants/current`,
      token: w.tokens.superAdmin,
      valid: { name: "Renamed" },
      wrongTypes: [
        [{ name: null }, "name"],
        [{ settings: [] }, "settings"],
        [{ settings: { timezone: "Not/AZone" } }, "timezone"],
      ],
    },
    {
      label: "POST /tenants/{id}/suspend",
      method: "POST",
      path: `${API}/tenants/${C}/suspend`,
      token,
      valid: undefined,
      wrongTypes: [],
      reset: () => call(t, "POST", `${API}/tenants/${C}/reactivate`, { token }),
    },
    {
      label: "POST /tenants/{id}/reactivate",
      method: "POST",
      path: `${API}/tenants/${D}/reactivate`,
      token,
      valid: undefined,
      wrongTypes: [],
      reset: () => call(t, "POST", `${API}/tenants/${D}/suspend`, { token }),
    },
  ];
}

Deno.test("bad input on every tenant write is refused and writes nothing", async (s) => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);
  const routes = await tenantWriteRoutes(t, w);
  /** Runs one route's check as its own step, and undoes any change that slipped through. */
  const each = async (
    s2: Deno.TestContext,
    list: WriteRoute[],
    check: (route: WriteRoute) => Promise<void>,
  ) => {
    for (const route of list) {
      await s2.step(route.label, async () => {
        try {
          await check(route);
        } finally {
          await route.reset?.();
        }
      });
    }
  };

  await s.step("malformed JSON is 400 malformed_json", async (s2) => {
    await each(s2, routes, async (route) => {
      const before = await snapshot(t);
      const res = await call(t, route.method, route.path, {
        token: route.token,
        rawBody: "{",
        headers: { "content-type": "application/json" },
      });
      assertError(res, 400, "malformed_json");
      assert.deepEqual(await snapshot(t), before);
    });
  });

  await s.step("wrong types are 422 validation_error with details", async (s2) => {
    await each(s2, routes.filter((r) => r.wrongTypes.length > 0), async (route) => {
      const before = await snapshot(t);
      for (const [body, field] of route.wrongTypes) {
        const res = await call(t, route.method, route.path, { token: route.token, body });
        assertError(res, 422, "validation_error");
        const details = res.body.details as { path: string[]; message: string }[];
        assert.ok(Array.isArray(details) && details.length > 0, res.text);
        assert.ok(
          details.some((d) => d.path.join(".").includes(field)),
          `${JSON.stringify(body)}: details should name '${field}': ${res.text}`,
        );
      }
      assert.deepEqual(await snapshot(t), before);
    });
  });

  await s.step("unknown body fields are 422 (no mass assignment)", async (s2) => {
    await each(s2, routes, async (route) => {
      const before = await snapshot(t);
      const bodies: Row[] = [
        { ...route.valid, is_admin: true },
        { ...route.valid, id: "01900000-0000-7000-8000-000000000000" },
        { ...route.valid, created_at: "2020-01-01T00:00:00.000Z" },
      ];
      for (const body of bodies) {
        const res = await call(t, route.method, route.path, { token: route.token, body });
        assertError(res, 422, "validation_error");
        assert.ok(Array.isArray(res.body.details), res.text);
      }
      assert.deepEqual(await snapshot(t), before);
    });
  });

  await s.step("a text/plain body is 415 unsupported_media_type", async (s2) => {
    await each(s2, routes, async (route) => {
      const before = await snapshot(t);
      const text = JSON.stringify(route.valid ?? {});
      // As an HTTP/1.1 client sends it (with Content-Length), and streamed (without).
      const variants: Record<string, string>[] = [{ "content-length": String(text.length) }, {}];
      for (const headers of variants) {
        const res = await call(t, route.method, route.path, {
          token: route.token,
          rawBody: text,
          headers: { "content-type": "text/plain", ...headers },
        });
        assertError(res, 415, "unsupported_media_type");
      }
      assert.deepEqual(await snapshot(t), before);
    });
  });

  await s.step("a body over the size limit is 413", async (s2) => {
    await each(s2, routes, async (route) => {
      const before = await snapshot(t);
      const body = route.valid
        ? { ...route.valid, name: "x".repeat(2000) }
        : { padding: "x".repeat(2000) };
      const res = await call(t, route.method, route.path, { token: route.token, body });
      assertError(res, 413, "payload_too_large");
      assert.deepEqual(await snapshot(t), before);
    });
  });

  t.close();
});

Deno.test("GET /tenants paginates by page and by cursor", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const token = w.tokens.platform;
  for (let i = 1; i <= 5; i++) {
    const res = await call(t, "POST", `${API}/tenants`, { token, body: { name: `Tenant ${i}` } });
    assert.equal(res.status, 201, res.text);
  }
  const all = await call(t, "GET", `${API}/tenants?page_size=100`, { token });
  assert.equal(all.body.count, 7);
  const allRows = rows(all);
  const allIds = allRows.map((row) => row.id as string);
  const expectedOrder = [...allRows].sort((a, b) =>
    byText(a.created_at as string, b.created_at as string) || byText(a.id as string, b.id as string)
  ).map((row) => row.id as string);

  await s.step("the default order is created_at then id", () => {
    assert.deepEqual(allIds, expectedOrder);
  });

  await s.step("page_size pages with absolute next/previous links; every row once", async () => {
    const first = await call(t, "GET", `${API}/tenants?page_size=3`, { token });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.count, 7);
    assert.equal(rows(first).length, 3);
    assert.equal(first.body.previous, null);
    const next = first.body.next as string;
    assert.match(next, /^http:\/\/localhost\/api\/v1\/tenants\?/);
    assert.equal(new URL(next).searchParams.get("page"), "2");
    assert.equal(new URL(next).searchParams.get("page_size"), "3");

    const second = await call(t, "GET", next, { token });
    assert.equal(second.status, 200, second.text);
    assert.equal(rows(second).length, 3);
    const previous = second.body.previous as string;
    assert.match(previous, /^http:\/\/localhost\/api\/v1\/tenants\?/);
    const back = await call(t, "GET", previous, { token });
    assert.deepEqual(idsOf(back), idsOf(first));

    const third = await call(t, "GET", second.body.next as string, { token });
    assert.equal(rows(third).length, 1);
    assert.equal(third.body.next, null);
    assert.equal(new URL(third.body.previous as string).searchParams.get("page"), "2");

    assert.deepEqual([...idsOf(first), ...idsOf(second), ...idsOf(third)], expectedOrder);
  });

  await s.step("a page past the end is an empty results list", async () => {
    const res = await call(t, "GET", `${API}/tenants?page_size=3&page=4`, { token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.count, 7);
    assert.deepEqual(res.body.results, []);
    assert.equal(res.body.next, null);
    const far = await call(t, "GET", `${API}/tenants?page=999`, { token });
    assert.equal(far.status, 200, far.text);
    assert.deepEqual(far.body.results, []);
  });

  await s.step(
    "cursor mode: ?cursor= starts it, count is null, next links visit every row once",
    async () => {
      let url: string | null = `${API}/tenants?cursor=&page_size=2`;
      const seen: string[] = [];
      let pages = 0;
      while (url) {
        const res = await call(t, "GET", url, { token });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.count, null);
        assert.equal(res.body.previous, null);
        assert.ok(rows(res).length <= 2);
        seen.push(...idsOf(res));
        url = res.body.next as string | null;
        if (url) {
          assert.match(url, /^http:\/\/localhost\/api\/v1\/tenants\?/);
          assert.ok(new URL(url).searchParams.get("cursor"), url);
          assert.equal(new URL(url).searchParams.get("page"), null);
        }
        pages++;
        assert.ok(pages <= 10, "cursor walk does not end");
      }
      assert.equal(pages, 4);
      assert.deepEqual(seen, expectedOrder);
    },
  );

  await s.step("cursor mode follows the ordering, descending by name", async () => {
    let url: string | null = `${API}/tenants?cursor=&page_size=3&ordering=-name`;
    const names: string[] = [];
    while (url) {
      const res = await call(t, "GET", url, { token });
      assert.equal(res.status, 200, res.text);
      names.push(...rows(res).map((row) => row.name as string));
      url = res.body.next as string | null;
    }
    const expected = allRows.map((row) => row.name as string).sort(byText).reverse();
    assert.deepEqual(names, expected);
  });

  await s.step("ordering by name and -created_at", async () => {
    const byName = await call(t, "GET", `${API}/tenants?ordering=name`, { token });
    assert.equal(byName.status, 200, byName.text);
    assert.deepEqual(
      rows(byName).map((row) => row.name),
      allRows.map((row) => row.name as string).sort(byText),
    );
    const newest = await call(t, "GET", `${API}/tenants?ordering=-created_at`, { token });
    assert.deepEqual(idsOf(newest), [...expectedOrder].reverse());
  });

  await s.step("search matches the name", async () => {
    const res = await call(t, "GET", `${API}/tenants?search=tenant%203`, { token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(rows(res).map((row) => row.name), ["Tenant 3"]);
  });

  await s.step("bad values of known parameters are 422", async () => {
    for (
      const query of [
        "page=0",
        "page=-1",
        "page=abc",
        "page_size=0",
        "page_size=ten",
        "ordering=bogus",
        "ordering=domain",
        "cursor=not-a-cursor",
        "cursor=&page=2",
      ]
    ) {
      const res = await call(t, "GET", `${API}/tenants?${query}`, { token });
      assertError(res, 422, "validation_error");
    }
    const first = await call(t, "GET", `${API}/tenants?cursor=&page_size=2`, { token });
    const cursor = new URL(first.body.next as string).searchParams.get("cursor") ?? "";
    const mixed = await call(
      t,
      "GET",
      `${API}/tenants?cursor=${encodeURIComponent(cursor)}&ordering=-name`,
      { token },
    );
    assertError(mixed, 422, "validation_error");
  });

  await s.step("unknown query parameters are ignored", async () => {
    const res = await call(t, "GET", `${API}/tenants?colour=blue&page_size=3&utm_source=x`, {
      token,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.count, 7);
    assert.deepEqual(idsOf(res), expectedOrder.slice(0, 3));
  });

  await s.step("the trailing-slash form /api/v1/tenants/ works too", async () => {
    const res = await call(t, "GET", `${API}/tenants/?page_size=3&page=2`, { token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.count, 7);
    assert.deepEqual(idsOf(res), expectedOrder.slice(3, 6));
    assert.match(res.body.next as string, /^http:\/\/localhost\/api\/v1\/tenants\/\?/);
  });

  await s.step("the default page size is 25 and page_size above 100 is capped at 100", async () => {
    for (let i = 1; i <= 100; i++) {
      const res = await call(t, "POST", `${API}/tenants`, {
        token,
        body: { name: `Bulk ${String(i).padStart(3, "0")}` },
      });
      assert.equal(res.status, 201, res.text);
    }
    const byDefault = await call(t, "GET", `${API}/tenants`, { token });
    assert.equal(byDefault.body.count, 107);
    assert.equal(rows(byDefault).length, 25);
    const capped = await call(t, "GET", `${API}/tenants?page_size=500`, { token });
    assert.equal(capped.status, 200, capped.text);
    assert.equal(capped.body.count, 107);
    assert.equal(rows(capped).length, 100);
    assert.ok(capped.body.next, "a second page exists");
    const rest = await call(t, "GET", capped.body.next as string, { token });
    assert.equal(rows(rest).length, 7);
    const cursor = await call(t, "GET", `${API}/tenants?cursor=&page_size=1000`, { token });
    assert.equal(rows(cursor).length, 100);
    assert.ok(cursor.body.next);
  });

  t.close();
});
