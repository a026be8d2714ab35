import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { allAudit, buildWorld, call, newAudit, testAppOn } from "../../tests/support.ts";
import type { RegionConfig } from "../config.ts";
import { regionDatabase } from "../regions/region-database.ts";
import { openLibsql } from "./libsql.ts";
import { migrateDatabase } from "./migrate.ts";
import { clients } from "./schema/index.ts";

const REGIONS: RegionConfig[] = [
  { role: "single" },
  // Its batches also carry their replication log entry (replication-log.ts).
  { role: "primary", secret: "s".repeat(32), heartbeatMs: 1000 },
];

for (const region of REGIONS) {
  Deno.test(`a write waits for another connection's write on the file instead of failing (${region.role})`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "leopard-batch-" });
    const path = `${dir}/test.db`;
    const opened = await openLibsql({ url: `file:${path}` });
    await migrateDatabase(opened.db);
    const { db } = regionDatabase(region, opened);
    const t = testAppOn(db, () => opened.client.close());
    const worker = new Worker(new URL("./held-write.test-worker.ts", import.meta.url), {
      type: "module",
    });
    try {
      const w = await buildWorld(t);
      const token = w.tokens.consultant;
      const created = await call(t, "POST", "/api/v1/clients/", {
        token,
        body: { first_name: "Mai", last_name: "Tran" },
      });
      assert.equal(created.status, 201, created.text);
      const id = String(created.body.id);
      // Concurrent edits first: a client with a pool of connections opened more of
      // them here, without the busy timeout and foreign keys of the first.
      const burst = await Promise.all(
        Array.from(
          { length: 8 },
          (_, i) =>
            call(t, "PATCH", `/api/v1/clients/${id}/`, { token, body: { notes: `burst ${i}` } }),
        ),
      );
      assert.deepEqual(burst.map((res) => res.status), Array(8).fill(200));
      const before = await allAudit(t);

      const said = (word: string) =>
        new Promise<void>((resolve) => {
          worker.addEventListener("message", (event) => event.data === word && resolve());
        });
      const held = said("held");
      const committed = said("committed");
      worker.postMessage({ path, clientId: id, ms: 300 });
      await held;
      // The edit's batch begins with a guard (a read). Begun DEFERRED, it asked for
      // the lock only at its UPDATE, and SQLite refuses that at once: a 500.
      const res = await call(t, "PATCH", `/api/v1/clients/${id}/`, {
        token,
        body: { notes: "written after the other connection" },
      });
      assert.equal(res.status, 200, res.text);
      await committed;

      const [row] = await db.select().from(clients).where(eq(clients.id, id));
      assert.equal(row.notes, "written after the other connection");
      assert.equal(row.address, "written by the other connection");
      const audit = await newAudit(t, before);
      assert.deepEqual(audit.map((a) => [a.action, a.entity_id]), [["update", id]]);
    } finally {
      worker.terminate();
      t.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
