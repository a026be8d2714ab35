/**
 * The embedded file's fast read path (embedded-reads.ts) answers exactly what
 * @libsql/client answers: the same rows for query builders, joins and raw SQL,
 * every committed write at once; its write batches answer as the client's do,
 * each in one transaction; and its change version, which a cache checks, moves
 * with every commit.
 * @module
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { buildWorld, call, pastThePoll, testAppOn } from "../../tests/support.ts";
import { withEmbeddedReads } from "./embedded-reads.ts";
import { openLibsql } from "./libsql.ts";
import { sharedCommits } from "./local-commits.ts";
import { migrateDatabase } from "./migrate.ts";
import * as schema from "./schema/index.ts";
import { clients, tenants, users } from "./schema/index.ts";

Deno.test("embedded reads: the same answers as @libsql/client, and every write seen at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "leopard-reads-" });
  const url = `file:${dir}/reads.db`;
  const fast = await openLibsql({ url });
  await migrateDatabase(fast.db);
  const t = testAppOn(fast.db, () => fast.client.close());
  const plain = createClient({ url });
  const reference = drizzle(plain, { schema });
  try {
    const w = await buildWorld(t);
    for (let i = 0; i < 3; i++) {
      const res = await call(t, "POST", "/api/v1/clients", {
        token: w.tokens.consultant,
        body: { first_name: `Asha ${i}`, last_name: "Karki", email: `asha${i}@example.com` },
      });
      // Written by the batch client, read back by the reader connection in the same request.
      assert.equal(res.status, 201, res.text);
      const page = await call(t, "GET", "/api/v1/clients", { token: w.tokens.consultant });
      assert.equal(page.body.count, i + 1);
    }

    const builder = (db: typeof fast.db) => db.select().from(clients).orderBy(clients.id);
    assert.deepEqual(await builder(fast.db), await builder(reference));
    // LIMIT 1 is read with get: one row, or none.
    for (const name of ["Asha 1", "nobody"]) {
      const one = (db: typeof fast.db) =>
        db.select().from(clients).where(eq(clients.first_name, name)).limit(1);
      assert.deepEqual(await one(fast.db), await one(reference));
      assert.equal((await one(fast.db)).length, name === "nobody" ? 0 : 1);
    }

    // A join with two columns of one name (is_active): each keeps its own value.
    const joined = (db: typeof fast.db) =>
      db.select({ id: users.id, user_active: users.is_active, tenant_active: tenants.is_active })
        .from(users).leftJoin(tenants, eq(tenants.id, users.tenant_id)).orderBy(users.id);
    assert.deepEqual(await joined(fast.db), await joined(reference));

    // Raw SQL rows are objects keyed by column name only, as drizzle's libSQL session gives.
    const raw = (db: typeof fast.db) =>
      db.all(sql`SELECT id, first_name, 1 AS one, NULL AS absent FROM clients ORDER BY id`);
    assert.deepEqual(await raw(fast.db), await raw(reference));
    assert.deepEqual(Object.keys((await raw(fast.db))[0] as object), [
      "id",
      "first_name",
      "one",
      "absent",
    ]);

    // A write that returns rows is still a write: it runs on the writing connection,
    // where foreign keys are on.
    await assert.rejects(
      fast.db.insert(clients).values({
        id: crypto.randomUUID(),
        tenant_id: w.tenantA.id,
        branch_id: "no-such-branch",
        first_name: "Ghost",
        last_name: "Row",
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      }).returning(),
      (error: Error) => String(error.cause).includes("FOREIGN KEY constraint failed"),
    );
    // A write outside a batch still goes through the client that owns writes.
    await fast.db.run(sql`UPDATE clients SET notes = 'changed'`);
    const notes = await fast.db.select({ notes: clients.notes }).from(clients);
    assert.ok(notes.every((row) => row.notes === "changed"));

    // A batch runs on the reading connection, in one transaction: what each statement
    // answers, as the client answers it; foreign keys on; a failure writes nothing.
    const [first] = await builder(fast.db);
    const answered = await fast.client.batch([
      { sql: "SELECT first_name FROM clients WHERE id = ?", args: [first.id] },
      { sql: "UPDATE clients SET address = ? WHERE id = ?", args: ["1 Batch St", first.id] },
      { sql: "UPDATE clients SET address = address WHERE id = ? RETURNING id", args: [first.id] },
    ]);
    assert.deepEqual(answered.map((r) => [r.rows.length, r.rowsAffected]), [[1, 0], [0, 1], [
      1,
      0,
    ]]);
    assert.equal(answered[0].rows[0].first_name, first.first_name);
    const addressOf = async () =>
      (await reference.select({ address: clients.address }).from(clients).where(
        eq(clients.id, first.id),
      ))[0].address;
    assert.equal(await addressOf(), "1 Batch St");
    await assert.rejects(
      fast.client.batch([
        { sql: "UPDATE clients SET address = 'lost' WHERE id = ?", args: [first.id] },
        { sql: "UPDATE clients SET branch_id = 'no-such-branch' WHERE id = ?", args: [first.id] },
      ]),
      (error: Error) => error.message.includes("FOREIGN KEY constraint failed"),
    );
    assert.equal(await addressOf(), "1 Batch St");
    // A value only the client converts sends the batch to the client: a Date becomes
    // its milliseconds (a REAL, in a TEXT column "0.0").
    await fast.client.batch([{
      sql: "UPDATE clients SET address = ? WHERE id = ?",
      args: [new Date(0), first.id],
    }]);
    assert.equal(await addressOf(), "0.0");
  } finally {
    plain.close();
    t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the change version moves at once with a commit of any thread of this process, and within the poll with another process's", async (s) => {
  const dir = await Deno.makeTempDir({ prefix: "leopard-version-" });
  const path = `${dir}/version.db`;
  const setup = createClient({ url: `file:${path}` });
  await setup.execute("PRAGMA journal_mode = WAL");
  await setup.execute("CREATE TABLE t (x INTEGER)");
  // Never polling SQLite: only this process's commit count moves them.
  const writer = withEmbeddedReads(createClient({ url: `file:${path}` }), path, {
    pollMs: Infinity,
  });
  const reader = withEmbeddedReads(createClient({ url: `file:${path}` }), path, {
    pollMs: Infinity,
  });
  const worker = new Worker(new URL("./change-version.test-worker.ts", import.meta.url), {
    type: "module",
  });
  const ask = (message: unknown) =>
    new Promise<number>((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.postMessage(message);
    });
  try {
    await s.step("a write of this thread, and a read that changes nothing", async () => {
      const before = reader.changeVersion();
      await writer.client.execute("INSERT INTO t VALUES (1)");
      const after = reader.changeVersion();
      assert.notEqual(after, before);
      await reader.client.execute("SELECT x FROM t");
      assert.equal(reader.changeVersion(), after);
    });

    await s.step("a write of another thread", async () => {
      const before = await ask({ path, commits: sharedCommits() });
      assert.equal(await ask("version"), before);
      await writer.client.batch(["INSERT INTO t VALUES (2)"], "write");
      assert.notEqual(await ask("version"), before);
    });

    await s.step("a write of another process, once the poll has run", async () => {
      const polled = withEmbeddedReads(createClient({ url: `file:${path}` }), path);
      try {
        const before = polled.changeVersion();
        await setup.execute("INSERT INTO t VALUES (3)"); // not counted: as another process
        await pastThePoll();
        assert.notEqual(polled.changeVersion(), before);
      } finally {
        polled.client.close();
      }
    });
  } finally {
    worker.terminate();
    for (const c of [setup, writer.client, reader.client]) c.close();
    await Deno.remove(dir, { recursive: true });
  }
});
