/**
 * Another writer on a test's database file, on a thread of its own (as the
 * second serving thread, the CLI or a second server would be): it begins a
 * write transaction, changes a client, answers "held", and commits `ms` later.
 * @module
 */
/// <reference lib="deno.worker" />
import { createClient } from "@libsql/client";

self.onmessage = async (event: MessageEvent<{ path: string; clientId: string; ms: number }>) => {
  const { path, clientId, ms } = event.data;
  const client = createClient({ url: `file:${path}` });
  const transaction = await client.transaction("write");
  await transaction.execute({
    sql: "UPDATE clients SET address = 'written by the other connection' WHERE id = ?",
    args: [clientId],
  });
  self.postMessage("held");
  await new Promise((resolve) => setTimeout(resolve, ms));
  await transaction.commit();
  client.close();
  self.postMessage("committed");
};
