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
import { CHANGE_POLL_MS } from "../db/embedded-reads.ts";
import { assertError, buildWorld, call, PASSWORD, twoInstances } from "../../tests/support.ts";

/** Longer than the bound on seeing another process's commit. */
const pastThePoll = () => new Promise((resolve) => setTimeout(resolve, 3 * CHANGE_POLL_MS));

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
