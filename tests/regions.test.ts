/**
 * Deno regions end to end (src/regions): a primary and two far regions, each a
 * `deno task dev` on its own copy of the seeded demo, replicating over HTTP.
 * Reads answer from the region's replica, writes go to the primary once, a
 * client reads its own writes in its region every time, scope holds however a
 * bookmark is forged, and an outage of the primary loses nothing.
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { REPLICATION_SECRET, startCluster } from "../bench/regions/cluster.ts";
import { readSse } from "./sse.ts";

const PASSWORD = "leopard-demo-2026";
type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

async function call(
  base: string,
  path: string,
  o: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, {
    method: o.method ?? "GET",
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

async function login(base: string, email: string, password = PASSWORD): Promise<string> {
  const res = await call(base, "/api/v1/auth/login", {
    method: "POST",
    body: { email, password },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.access_token as string;
}

/** Every row of every table, in rowid order: two equal files answer the same. */
async function contents(path: string): Promise<Record<string, unknown[]>> {
  const db = createClient({ url: `file:${path}` });
  try {
    const tables = await db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
        "AND name NOT LIKE '__drizzle%' ORDER BY name",
    );
    const out: Record<string, unknown[]> = {};
    for (const table of tables.rows) {
      const name = String(table[0]);
      const rows = await db.execute(`SELECT * FROM "${name}" ORDER BY rowid`);
      out[name] = rows.rows.map((row) => Array.from(row));
    }
    return out;
  } finally {
    db.close();
  }
}

/** The first value of the first row of a query on a server's file. */
async function valueIn(path: string, sql: string, args: (string | number)[] = []) {
  const db = createClient({ url: `file:${path}` });
  try {
    return (await db.execute({ sql, args })).rows[0][0];
  } finally {
    db.close();
  }
}

const auditCount = async (path: string, entityId: string) =>
  Number(await valueIn(path, "SELECT count(*) FROM audit_logs WHERE entity_id = ?", [entityId]));
const auditCountOfRequest = async (path: string, requestId: string) =>
  Number(await valueIn(path, "SELECT count(*) FROM audit_logs WHERE request_id = ?", [requestId]));
const lastAuditIp = (path: string) =>
  valueIn(path, "SELECT ip FROM audit_logs ORDER BY rowid DESC LIMIT 1");

/** Polls `check` until it holds, for at most `ms`; says whether it did. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const until = Date.now() + ms;
  do {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  } while (Date.now() < until);
  return false;
}

Deno.test("regions: local reads, one forwarded write, read-your-writes, scope, outages", async (t) => {
  const cluster = await startCluster({ regionDelaysMs: [0, 0], catchUpMs: 300 });
  const [near, other] = cluster.regions.map((r) => r.url);
  const primary = cluster.primary.url;
  try {
    const consultant = await login(near, "consultant.b1.1@t1.leopard.test");
    const page = await call(near, "/api/v1/clients/?page_size=1", { token: consultant });
    assert.equal(page.status, 200);
    const clientId = (page.body.results as { id: string }[])[0].id;

    await t.step("1,000 writes in a row, each read back at once in the region", async () => {
      const before = await auditCount(`${cluster.dir}/primary.db`, clientId);
      for (let i = 0; i < 1000; i++) {
        const notes = `read your writes ${i}`;
        const write = await call(near, `/api/v1/clients/${clientId}/`, {
          method: "PATCH",
          token: consultant,
          body: { notes },
        });
        assert.equal(write.status, 200, JSON.stringify(write.body));
        const bookmark = write.headers.get("leopard-bookmark");
        assert.match(bookmark ?? "", /^\d+$/);
        const read = await call(near, `/api/v1/clients/${clientId}/`, {
          token: consultant,
          headers: { "leopard-bookmark": bookmark! },
        });
        assert.equal(read.body.notes, notes, `write ${i} not visible to its writer`);
        assert.equal(read.headers.get("leopard-served-by"), "replica", `read ${i}`);
        assert.ok(Number(read.headers.get("leopard-bookmark")) >= Number(bookmark));
        // Without the bookmark too: the write's answer waited for the replica.
        const plain = await call(near, `/api/v1/clients/${clientId}/`, { token: consultant });
        assert.equal(plain.body.notes, notes);
        assert.equal(plain.headers.get("leopard-served-by"), "replica");
      }
      // Written once, at the primary, with its audit row each time.
      assert.equal(await auditCount(`${cluster.dir}/primary.db`, clientId), before + 1000);
    });

    await t.step("another region's reader sees the write within the sync interval", async () => {
      const reader = await login(other, "branch_admin.b1@t1.leopard.test");
      await call(near, `/api/v1/clients/${clientId}/`, {
        method: "PATCH",
        token: consultant,
        body: { notes: "seen elsewhere" },
      });
      assert.ok(
        await within(2000, async () => {
          const read = await call(other, `/api/v1/clients/${clientId}/`, { token: reader });
          return read.body.notes === "seen elsewhere";
        }),
      );
    });

    await t.step("a notification written in one region reaches a stream in another", async () => {
      const manager = await login(near, "branch_admin.b1@t1.leopard.test");
      const me = await call(other, "/api/v1/auth/me", { token: consultant });
      const response = await fetch(`${other}/api/v1/notifications/stream`, {
        headers: { authorization: `Bearer ${consultant}` },
      });
      assert.equal(response.status, 200);
      const stream = readSse(response);
      try {
        await stream.connected();
        const task = await call(near, "/api/v1/tasks/", {
          method: "POST",
          token: manager,
          body: { title: "Call the client back", assigned_to: me.body.id },
        });
        assert.equal(task.status, 201, JSON.stringify(task.body));
        const [event] = await stream.waitFor(1, 2000);
        assert.equal(JSON.parse(event.data).type, "task_assigned");
      } finally {
        await stream.close();
      }
    });

    await t.step("scope holds in a region, whatever bookmark is sent", async () => {
      const outsiders = [
        await login(near, "consultant.b3.1@t1.leopard.test"),
        await login(near, "consultant.b1.1@t2.leopard.test"),
      ];
      for (const token of outsiders) {
        for (const bookmark of [undefined, "1", "999999999999"]) {
          const read = await call(near, `/api/v1/clients/${clientId}/`, {
            token,
            headers: bookmark ? { "leopard-bookmark": bookmark } : {},
          });
          assert.equal(read.status, 404, `bookmark ${bookmark}`);
        }
      }
      for (const bad of ["abc", "-1", "1.5", "9".repeat(20)]) {
        const read = await call(near, `/api/v1/clients/${clientId}/`, {
          token: consultant,
          headers: { "leopard-bookmark": bad },
        });
        assert.equal(read.status, 400, bad);
        assert.equal(read.body.error, "invalid_bookmark");
      }
    });

    await t.step("a deactivation through a region is refused there at once", async () => {
      const token = await login(near, "consultant.b2.1@t1.leopard.test");
      const me = await call(near, "/api/v1/auth/me", { token });
      assert.equal(me.status, 200);
      // Both remember the consultant (live-actor.ts) once the other region has the session.
      assert.ok(
        await within(
          2000,
          async () => (await call(other, "/api/v1/auth/me", { token })).status === 200,
        ),
      );
      const admin = await login(near, "branch_admin.b2@t1.leopard.test");
      const removed = await call(near, `/api/v1/users/${me.body.id}`, {
        method: "DELETE",
        token: admin,
      });
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
      // The write's answer waited for this region's replica; the replication
      // loop's commit moved the change version, so the remembered row is dropped.
      const after = await call(near, "/api/v1/clients/", {
        token,
        headers: { "leopard-bookmark": removed.headers.get("leopard-bookmark")! },
      });
      assert.equal(after.status, 401, JSON.stringify(after.body));
      assert.equal(after.headers.get("leopard-served-by"), "replica");
      // Another region refuses once its replica has the write.
      assert.ok(
        await within(
          2000,
          async () => (await call(other, "/api/v1/clients/", { token })).status === 401,
        ),
      );
    });

    await t.step("a region forwards to its primary only, whatever the path says", async () => {
      let hits = 0;
      const trap = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
        hits++;
        return new Response("owned");
      });
      try {
        for (const method of ["POST", "GET"]) {
          const res = await fetch(`${near}//127.0.0.1:${trap.addr.port}/steal`, {
            method,
            headers: { authorization: `Bearer ${consultant}`, "leopard-bookmark": "999999999" },
          });
          assert.notEqual(await res.text(), "owned");
        }
        assert.equal(hits, 0);
      } finally {
        await trap.shutdown();
      }
    });

    await t.step("a platform admin's reads in a tenant go to the primary, audited", async () => {
      const admin = await login(near, "admin@leopard.test", "leopard-admin-2026");
      const tenants = await call(near, "/api/v1/tenants/", { token: admin });
      assert.equal(tenants.status, 200, JSON.stringify(tenants.body));
      const tenantId = (tenants.body.results as { id: string }[])[0].id;
      const read = await call(near, "/api/v1/clients/?page_size=1", {
        token: admin,
        headers: { "x-tenant-id": tenantId },
      });
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.headers.get("leopard-served-by"), "primary");
      const requestId = read.headers.get("x-request-id")!;
      assert.equal(await auditCountOfRequest(`${cluster.dir}/primary.db`, requestId), 1);
    });

    await t.step("the stream goes to the primary, with or without a trailing slash", async () => {
      for (const path of ["/api/v1/notifications/stream", "/api/v1/notifications/stream/"]) {
        const response = await fetch(`${near}${path}`, {
          headers: { authorization: `Bearer ${consultant}` },
        });
        assert.equal(response.status, 200, path);
        assert.equal(response.headers.get("leopard-served-by"), "primary", path);
        await response.body?.cancel();
      }
    });

    await t.step("the replication feed answers only regions holding the secret", async () => {
      const none = await call(primary, "/internal/replication/log?after=0");
      assert.equal(none.status, 401);
      const wrong = await call(primary, "/internal/replication/log?after=0", {
        headers: { authorization: "Bearer not-the-secret" },
      });
      assert.equal(wrong.status, 401);
      const bad = await call(primary, "/internal/replication/log?after=-1", {
        headers: { authorization: `Bearer ${REPLICATION_SECRET}` },
      });
      assert.equal(bad.status, 400);
    });

    await t.step("only a region may vouch for a caller's address", async () => {
      const spoof = { "x-forwarded-for": "203.0.113.9", "leopard-relay": "guess" };
      const path = `/api/v1/clients/${clientId}/`;
      const patch = async (base: string, notes: string, headers: Record<string, string>) => {
        const res = await call(base, path, {
          method: "PATCH",
          token: consultant,
          body: { notes },
          headers,
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      // A caller that knows the secret still cannot make a region vouch for its header.
      await patch(near, "relayed by a region", { ...spoof, "leopard-relay": REPLICATION_SECRET });
      assert.equal(await lastAuditIp(`${cluster.dir}/primary.db`), "127.0.0.1");
      await patch(primary, "a guessed secret", spoof);
      assert.equal(await lastAuditIp(`${cluster.dir}/primary.db`), "127.0.0.1");
      await patch(primary, "the region secret", { ...spoof, "leopard-relay": REPLICATION_SECRET });
      assert.equal(await lastAuditIp(`${cluster.dir}/primary.db`), "203.0.113.9");
    });

    await t.step(
      "primary down: reads stay, marked stale; writes 503 and write nothing",
      async () => {
        await cluster.primary.kill();
        const before = await auditCount(`${cluster.dir}/primary.db`, clientId);
        // The region notices when its open poll breaks; from then on reads say so.
        assert.ok(
          await within(2000, async () => {
            const read = await call(near, `/api/v1/clients/${clientId}/`, { token: consultant });
            assert.equal(read.status, 200);
            return /^\d+$/.test(read.headers.get("leopard-replica-stale") ?? "");
          }),
        );
        const write = await call(near, `/api/v1/clients/${clientId}/`, {
          method: "PATCH",
          token: consultant,
          body: { notes: "during the outage" },
        });
        assert.equal(write.status, 503);
        assert.equal(write.body.error, "primary_unreachable");
        assert.equal(write.headers.get("retry-after"), "5");
        // Through the app's own middleware: its request id, its security headers.
        assert.equal(write.headers.get("x-request-id"), write.body.request_id);
        assert.equal(write.headers.get("x-content-type-options"), "nosniff");

        await cluster.primary.restart();
        assert.equal(await auditCount(`${cluster.dir}/primary.db`, clientId), before);
        assert.ok(
          await within(5000, async () => {
            const again = await call(near, `/api/v1/clients/${clientId}/`, { token: consultant });
            return !again.headers.has("leopard-replica-stale");
          }),
          "the region resumes syncing",
        );
        const after = await call(near, `/api/v1/clients/${clientId}/`, {
          method: "PATCH",
          token: consultant,
          body: { notes: "after the outage" },
        });
        assert.equal(after.status, 200);
      },
    );

    await t.step("every region's file ends equal to the primary's", async () => {
      const position = async (base: string) =>
        Number((await call(base, "/health")).headers.get("leopard-bookmark"));
      const target = await position(primary);
      for (const region of [near, other]) {
        assert.ok(await within(3000, async () => (await position(region)) >= target));
      }
      const expected = await contents(`${cluster.dir}/primary.db`);
      for (const i of [0, 1]) {
        assert.deepEqual(await contents(`${cluster.dir}/region-${i}.db`), expected);
      }
    });
  } finally {
    await cluster.stop();
  }
});
