/**
 * The primary's write log on its own: every write through the app is logged in
 * its batch (and only writes), the feed streams it to holders of the secret, and
 * a pruned log tells a region too far behind to copy the file again.
 */
import assert from "node:assert/strict";
import { drizzle } from "drizzle-orm/libsql";
import { openLibsql } from "../db/libsql.ts";
import { migrateDatabase } from "../db/migrate.ts";
import * as schema from "../db/schema/index.ts";
import { runScheduledJob } from "../notifications/scheduled.ts";
import { buildWorld, call, testAppOn } from "../../tests/support.ts";
import { startReplica } from "./replica.ts";
import { FEED_PATH, replicationFeed } from "./replication-feed.ts";
import {
  databaseId,
  logPosition,
  oldestPosition,
  readLog,
  withReplicationLog,
} from "./replication-log.ts";

const SECRET = "a-replication-secret-for-tests";

async function primary() {
  const opened = await openLibsql({ url: ":memory:" });
  await migrateDatabase(opened.db);
  const client = withReplicationLog(opened.client);
  const t = testAppOn(drizzle(client, { schema }), () => client.close());
  const feed = replicationFeed(client, SECRET, 50, await databaseId(client, true));
  const follow = async (after: number) => {
    const res = await feed(
      new Request(`http://primary${FEED_PATH}?after=${after}`, {
        headers: { authorization: `Bearer ${SECRET}` },
      }),
    );
    return res!;
  };
  return { t, client, follow };
}

Deno.test("every write is logged in its batch, reads are not, and the feed streams them", async () => {
  const { t, client, follow } = await primary();
  const w = await buildWorld(t);
  const before = await logPosition(client);
  assert.ok(before > 0);
  const read = await call(t, "GET", "/api/v1/branches", { token: w.tokens.superAdmin });
  assert.equal(read.status, 200);
  assert.equal(await logPosition(client), before, "a read logs nothing");
  const write = await call(t, "POST", "/api/v1/clients", {
    token: w.tokens.consultant,
    body: { first_name: "Lin", last_name: "Wu" },
  });
  assert.equal(write.status, 201);
  const [entry] = await readLog(client, before, 10);
  assert.equal(entry.position, before + 1, "one entry for the request's one batch");
  assert.ok(entry.statements.some((s) => s.sql.startsWith('insert into "clients"')));
  assert.ok(entry.statements.some((s) => s.sql.startsWith('insert into "audit_logs"')));

  const res = await follow(before);
  assert.equal(res.headers.get("content-type"), "application/x-ndjson");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  await reader.cancel();
  const streamed = JSON.parse(value!.split("\n")[0]).entries;
  assert.deepEqual(streamed.map((e: { position: number }) => e.position), [before + 1]);
  t.close();
});

Deno.test("a pruned log sends a region too far behind to copy the file again", async () => {
  const { t, client, follow } = await primary();
  await buildWorld(t);
  const last = await logPosition(client);
  t.advance(8 * 86_400_000);
  await runScheduledJob(t.deps);
  const oldest = await oldestPosition(client);
  // What the job itself wrote, and the prune (logged like any write), are all that is left.
  assert.ok(oldest !== null && oldest > last, `oldest ${oldest}, last before ${last}`);
  const behind = await follow(0);
  assert.equal(behind.status, 410);
  assert.equal((await behind.json()).error, "replica_too_far_behind");
  const current = await follow(await logPosition(client));
  assert.equal(current.status, 200);
  await current.body?.cancel();
  t.close();
});

Deno.test("a far region whose file is not a copy of the primary's is refused", async () => {
  const { t, client, follow } = await primary();
  await buildWorld(t);
  const other = await openLibsql({ url: ":memory:" });
  await migrateDatabase(other.db);
  const logs: Record<string, unknown>[] = [];
  const replica = await startReplica({
    client: other.client,
    db: other.db,
    primaryUrl: "http://primary",
    secret: SECRET,
    heartbeatMs: 50,
    retryMs: 20,
    log: (line) => logs.push(line),
    fetch: (input) => follow(Number(new URL(String(input)).searchParams.get("after"))),
  });
  await new Promise((r) => setTimeout(r, 100));
  await replica.stop();
  assert.equal(replica.position(), 0, "nothing of the primary's log was applied");
  assert.ok(replica.staleSince() !== null);
  assert.ok(
    logs.some((l) => l.replica === "replay_failed" && String(l.error).includes("not a copy")),
  );
  assert.ok((await logPosition(client)) > 0);
  other.client.close();
  t.close();
});
