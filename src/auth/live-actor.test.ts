/**
 * The remembered live-actor check (live-actor.ts) is as strict as a query on every
 * request: two instances on one embedded file in one process, each having just
 * answered the user, refuse a deactivation and a logout made through the other
 * instance on the very next request, and a suspension written by a connection of
 * another process once CHANGE_POLL_MS has passed. tests/server.test.ts checks the
 * same across the real server's threads.
 * @module
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import {
  assertError,
  buildWorld,
  call,
  createdClient,
  PASSWORD,
  pastThePoll,
  twoInstances,
} from "../../tests/support.ts";

Deno.test("live actor: a change made anywhere is refused on the next request, on every instance", async (s) => {
  const { a, b, url, close } = await twoInstances("leopard-actor-");
  const outside = createClient({ url });
  const w = await buildWorld(a);
  /** Answers on both instances, so each has the actor in memory. */
  const warm = async (token: string) => {
    for (const t of [a, b]) {
      assert.equal((await call(t, "GET", "/api/v1/auth/me", { token })).status, 200);
    }
  };
  try {
    await s.step("a deactivation through the other instance", async () => {
      const token = w.tokens.consultant;
      await warm(token);
      const res = await call(a, "DELETE", `/api/v1/users/${w.users.consultant.id}`, {
        token: w.tokens.branchAdmin,
      });
      assert.equal(res.status, 204, res.text);
      // Deactivation ends the user's sessions in the same batch.
      assertError(await call(b, "GET", "/api/v1/clients", { token }), 401, "session_revoked");
      assertError(await call(a, "GET", "/api/v1/clients", { token }), 401, "session_revoked");
    });

    await s.step("a logout through the other instance", async () => {
      const session = await call(a, "POST", "/api/v1/auth/login", {
        body: { email: w.users.consultantA1b.email, password: PASSWORD },
      });
      const token = session.body.access_token as string;
      await warm(token);
      const res = await call(b, "POST", "/api/v1/auth/logout", {
        body: { refresh_token: session.body.refresh_token },
      });
      assert.equal(res.status, 204, res.text);
      assertError(await call(a, "GET", "/api/v1/clients", { token }), 401, "session_revoked");
    });

    await s.step("a suspension written by another connection (another process)", async () => {
      const token = w.tokens.consultantB;
      await warm(token);
      await outside.execute({
        sql: "UPDATE tenants SET is_active = 0 WHERE id = ?",
        args: [w.tenantB.id],
      });
      await pastThePoll();
      for (const t of [a, b]) {
        assertError(await call(t, "GET", "/api/v1/clients", { token }), 401, "tenant_suspended");
      }
      await outside.execute({
        sql: "UPDATE tenants SET is_active = 1 WHERE id = ?",
        args: [w.tenantB.id],
      });
      await pastThePoll();
      for (const t of [a, b]) {
        assert.equal((await call(t, "GET", "/api/v1/clients", { token })).status, 200);
      }
    });

    await s.step("an expired session, with nothing written in between", async () => {
      const token = w.tokens.regionManager;
      await warm(token);
      await outside.execute({
        sql: "UPDATE auth_sessions SET expires_at = ? WHERE user_id = ?",
        args: [new Date(Date.now() + 60_000).toISOString(), w.users.regionManager.id],
      });
      await pastThePoll();
      await warm(token);
      // The clock passes the expiry; no write happens, so the remembered row answers.
      a.advance(120_000);
      b.advance(120_000);
      for (const t of [a, b]) {
        const res = await call(t, "GET", "/api/v1/clients", { token });
        assert.equal(res.status, 401, res.text);
      }
    });
  } finally {
    outside.close();
    await close();
  }
});

Deno.test("live actor: what it is read from, written by another process, is seen at once; other writes keep it", async (s) => {
  const { a, b, url, close } = await twoInstances("leopard-actor-epoch-");
  const outside = createClient({ url });
  const w = await buildWorld(a);
  const token = w.tokens.consultant;
  const id = w.users.consultant.id;
  const write = async (sql: string, ...args: (string | number | null)[]) => {
    await outside.execute({ sql, args });
    await pastThePoll();
  };
  const listed = async (t: typeof a) => {
    const res = await call(t, "GET", "/api/v1/clients", { token });
    assert.equal(res.status, 200, res.text);
    return (res.body.results as { last_name: string }[]).map((r) => r.last_name).sort();
  };
  const inA1a = await createdClient(a, w.tokens.branchAdmin, { first_name: "Asha" });
  await createdClient(a, w.tokens.branchAdminA1b, { first_name: "Ravi", last_name: "Menon" });
  try {
    await s.step("writes that change none of it leave the remembered actor right", async () => {
      for (const t of [a, b]) assert.deepEqual(await listed(t), ["Karki"]);
      const patched = await call(b, "PATCH", `/api/v1/clients/${inA1a}`, {
        token: w.tokens.branchAdmin,
        body: { notes: "called back" },
      });
      assert.equal(patched.status, 200, patched.text);
      await write(
        "UPDATE users SET first_name = 'Renamed', last_login = ? WHERE id = ?",
        "2026-12-01T00:00:00.000Z",
        id,
      );
      for (const t of [a, b]) assert.deepEqual(await listed(t), ["Karki"]);
    });

    await s.step("a move to another branch", async () => {
      await write("UPDATE users SET branch_id = ? WHERE id = ?", w.branches.A1b.id, id);
      for (const t of [a, b]) assert.deepEqual(await listed(t), ["Menon"]);
    });

    await s.step("a new role", async () => {
      await write(
        "UPDATE users SET role = 'country_manager', region_id = NULL, branch_id = NULL WHERE id = ?",
        id,
      );
      for (const t of [a, b]) assert.deepEqual(await listed(t), ["Karki", "Menon"]);
      await write(
        "UPDATE users SET role = 'consultant', region_id = ?, branch_id = ? WHERE id = ?",
        w.regions.A1.id,
        w.branches.A1a.id,
        id,
      );
      for (const t of [a, b]) assert.deepEqual(await listed(t), ["Karki"]);
    });

    await s.step("a deactivation, and the account back", async () => {
      await write("UPDATE users SET is_active = 0 WHERE id = ?", id);
      for (const t of [a, b]) {
        assertError(await call(t, "GET", "/api/v1/clients", { token }), 401, "user_inactive");
      }
      await write("UPDATE users SET is_active = 1 WHERE id = ?", id);
      for (const t of [a, b]) assert.deepEqual(await listed(t), ["Karki"]);
    });

    await s.step("a revoked session", async () => {
      await write(
        "UPDATE auth_sessions SET revoked_at = ? WHERE user_id = ?",
        new Date().toISOString(),
        id,
      );
      for (const t of [a, b]) {
        assertError(await call(t, "GET", "/api/v1/clients", { token }), 401, "session_revoked");
      }
    });

    await s.step("a deleted session", async () => {
      const other = w.tokens.consultantA1b;
      for (const t of [a, b]) {
        assert.equal((await call(t, "GET", "/api/v1/clients", { token: other })).status, 200);
      }
      await write(
        "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM auth_sessions WHERE user_id = ?)",
        w.users.consultantA1b.id,
      );
      await write("DELETE FROM auth_sessions WHERE user_id = ?", w.users.consultantA1b.id);
      for (const t of [a, b]) {
        assertError(
          await call(t, "GET", "/api/v1/clients", { token: other }),
          401,
          "session_revoked",
        );
      }
    });
  } finally {
    outside.close();
    await close();
  }
});
