/**
 * The change counters (change-epochs.ts, migration 0015) move with the writes that
 * change what their caches hold, and stand still for the writes agencies make all
 * day, so those keep every cached actor and summed count. Whether a moved
 * counter is heeded is proven where it is used: live-actor.test.ts and
 * client-counts.test.ts.
 * @module
 */
import assert from "node:assert/strict";
import {
  buildWorld,
  call,
  createTestApp,
  login,
  PASSWORD,
  succeeded,
} from "../../tests/support.ts";
import { change_epochs } from "./schema/index.ts";

Deno.test("change epochs: which writes move which counter", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const agencyA = `clients ${w.tenantA.id}`, agencyB = `clients ${w.tenantB.id}`;
  let last: Record<string, number> = {};
  /** Each counter's move since the last call (agency B's search counter must not). */
  const moved = async () => {
    const rows = await t.db.select().from(change_epochs);
    const now = Object.fromEntries(rows.map((r) => [r.name, r.n]));
    const step = (name: string) => (now[name] ?? 0) > (last[name] ?? 0);
    const diff = {
      access: step("access"),
      client_counts: step("client_counts"),
      search: step(agencyA),
    };
    assert.equal(step(agencyB), false, "another agency's writes never move agency B's");
    last = now;
    return diff;
  };
  const ok = (method: string, path: string, token: string, body?: unknown) =>
    succeeded(t, method, path, token, body);
  try {
    await moved();
    await s.step("a login, a client's notes: neither", async () => {
      await login(t, w.users.consultant.email);
      const client = await ok("POST", "/api/v1/clients", w.tokens.consultant, {
        first_name: "Asha",
        last_name: "Karki",
      });
      await moved();
      await ok("PATCH", `/api/v1/clients/${client.id}`, w.tokens.consultant, { notes: "called" });
      assert.deepEqual(await moved(), { access: false, client_counts: false, search: false });
    });
    await s.step("a new client, a status, a soft delete: client_counts and search", async () => {
      const client = await ok("POST", "/api/v1/clients", w.tokens.consultant, {
        first_name: "Ravi",
        last_name: "Menon",
      });
      const all = { access: false, client_counts: true, search: true };
      assert.deepEqual(await moved(), all);
      await ok("PATCH", `/api/v1/clients/${client.id}`, w.tokens.consultant, { status: "active" });
      assert.deepEqual(await moved(), all);
      await ok("DELETE", `/api/v1/clients/${client.id}`, w.tokens.branchAdmin);
      assert.deepEqual(await moved(), all);
      await ok("POST", `/api/v1/clients/${client.id}/restore`, w.tokens.branchAdmin);
      assert.deepEqual(await moved(), all);
    });
    await s.step("a searched field: search alone", async () => {
      const client = await ok("POST", "/api/v1/clients", w.tokens.consultant, {
        first_name: "Mina",
        last_name: "Rai",
      });
      await moved();
      for (
        const body of [{ last_name: "Thapa" }, { email: "mina@example.com" }, { phone: "+9779800" }]
      ) {
        await ok("PATCH", `/api/v1/clients/${client.id}`, w.tokens.consultant, body);
        assert.deepEqual(await moved(), { access: false, client_counts: false, search: true });
      }
    });
    await s.step(
      "a branch moved to another region: all three (its staff move with it)",
      async () => {
        await ok("PATCH", `/api/v1/branches/${w.branches.A1b.id}`, w.tokens.countryManager, {
          region_id: w.regions.A2.id,
        });
        assert.deepEqual(await moved(), { access: true, client_counts: true, search: true });
      },
    );
    await s.step("a deactivation, a logout, a suspension: access", async () => {
      const none = { access: true, client_counts: false, search: false };
      await ok("DELETE", `/api/v1/users/${w.users.consultantA2a.id}`, w.tokens.superAdmin);
      assert.deepEqual(await moved(), none);
      const session = await call(t, "POST", "/api/v1/auth/login", {
        body: { email: w.users.consultantA1b.email, password: PASSWORD },
      });
      assert.equal(session.status, 200, session.text);
      await moved();
      const out = await call(t, "POST", "/api/v1/auth/logout", {
        body: { refresh_token: session.body.refresh_token },
      });
      assert.equal(out.status, 204, out.text);
      assert.deepEqual(await moved(), none);
      await ok("POST", `/api/v1/tenants/${w.tenantB.id}/suspend`, w.tokens.platform);
      assert.deepEqual(await moved(), none);
    });
  } finally {
    t.close();
  }
});
