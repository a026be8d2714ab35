import assert from "node:assert/strict";
import { assertError, buildWorld, call, createTestApp } from "../../../tests/support.ts";

type Entry = {
  tenant_id: string;
  actor_id: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string;
};

Deno.test("the audit log is the tenant managers' view of every write", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const created = await call(t, "POST", "/api/v1/regions", {
    token: w.tokens.countryManager,
    body: { name: "North" },
  });
  const renamed = await call(t, "PATCH", `/api/v1/regions/${created.body.id}`, {
    token: w.tokens.superAdmin,
    body: { name: "Northern" },
  });
  await call(t, "POST", "/api/v1/regions", {
    token: w.tokens.superAdminB,
    body: { name: "Elsewhere" },
  });

  await s.step(
    "super_admin and country_manager read their tenant's entries, newest first",
    async () => {
      for (const token of [w.tokens.superAdmin, w.tokens.countryManager]) {
        const res = await call(t, "GET", "/api/v1/audit-logs", { token });
        assert.equal(res.status, 200, res.text);
        const entries = res.body.results as Entry[];
        assert.ok(entries.every((e) => e.tenant_id === w.tenantA.id), "no other tenant's entries");
        assert.equal(entries[0].action, "update");
        assert.deepEqual(entries[0].before, { name: "North" });
        assert.deepEqual(entries[0].after, { name: "Northern" });
        assert.equal(entries[0].request_id, renamed.headers.get("x-request-id"));
      }
    },
  );

  await s.step("filters by entity, actor, action and time", async () => {
    const token = w.tokens.superAdmin;
    const byEntity = await call(
      t,
      "GET",
      `/api/v1/audit-logs?entity_type=region&entity_id=${created.body.id}`,
      { token },
    );
    assert.equal(byEntity.body.count, 2);
    const byActor = await call(
      t,
      "GET",
      `/api/v1/audit-logs?actor_id=${w.users.countryManager.id}`,
      { token },
    );
    assert.deepEqual((byActor.body.results as Entry[]).map((e) => e.action), ["create"]);
    const byAction = await call(t, "GET", "/api/v1/audit-logs?action=update", { token });
    assert.equal(byAction.body.count, 1);
    const future = await call(t, "GET", "/api/v1/audit-logs?at_after=2999-01-01T00:00:00Z", {
      token,
    });
    assert.equal(future.body.count, 0);
    const past = await call(t, "GET", "/api/v1/audit-logs?at_before=2000-01-01T00:00:00Z", {
      token,
    });
    assert.equal(past.body.count, 0);
    assertError(await call(t, "GET", "/api/v1/audit-logs?at_after=yesterday", { token }), 422);
  });

  await s.step("lower roles are refused with 403", async () => {
    for (const who of ["regionManager", "branchAdmin", "consultant"] as const) {
      assertError(await call(t, "GET", "/api/v1/audit-logs", { token: w.tokens[who] }), 403);
    }
  });

  await s.step(
    "the platform admin reads a named tenant's log, which records that it looked",
    async () => {
      assertError(
        await call(t, "GET", "/api/v1/audit-logs", { token: w.tokens.platform }),
        400,
        "tenant_required",
      );
      const headers = { "x-tenant-id": w.tenantA.id };
      await call(t, "GET", "/api/v1/audit-logs", { token: w.tokens.platform, headers });
      const res = await call(t, "GET", "/api/v1/audit-logs?action=platform_access", {
        token: w.tokens.superAdmin,
      });
      const entries = res.body.results as Entry[];
      assert.equal(entries.length, 1);
      assert.equal(entries[0].actor_id, w.users.platform.id);
      assert.deepEqual(entries[0].after, {
        method: "GET",
        path: "/api/v1/audit-logs",
        status: 200,
      });
    },
  );

  await s.step("the log has no write routes", async () => {
    assertError(
      await call(t, "POST", "/api/v1/audit-logs", { token: w.tokens.superAdmin, body: {} }),
      405,
    );
  });
  t.close();
});
