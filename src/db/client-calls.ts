/**
 * A libSQL client with some of its calls replaced and everything else its own:
 * how this code changes what a client does (batches begun IMMEDIATE, the
 * embedded file's fast reads, the primary's replication log, a far region's
 * refusal of writes).
 * @module
 */
import type { Client } from "@libsql/client";

export function withCalls(
  client: Client,
  calls: Partial<Pick<Client, "execute" | "batch" | "executeMultiple" | "migrate" | "close">>,
): Client {
  return new Proxy(client, {
    get(target, key) {
      if (Object.hasOwn(calls, key)) return calls[key as keyof typeof calls];
      // Getters run on the client itself: some read its private fields.
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * drizzle sends a batch without a mode, and libSQL then begins it DEFERRED: a
 * batch whose first statement reads (a guard) holds a read snapshot when its
 * first write asks for the lock, and SQLite does not wait on that upgrade. With
 * another connection writing (the second serving thread, the CLI) it failed at
 * once with SQLITE_BUSY: half of the PATCHes of two threads, as 500s. "write"
 * begins IMMEDIATE, so the lock comes first and is waited for (busy timeout).
 */
export function immediateBatches(client: Client): Client {
  return withCalls(client, {
    batch: (statements, mode) => client.batch(statements, mode ?? "write"),
  });
}
