/**
 * A libSQL client with some of its calls replaced and everything else its own:
 * how this code changes what a client does (batches begun IMMEDIATE, the
 * primary's replication log, a far region's refusal of writes).
 * @module
 */
import type { Client } from "@libsql/client";

export function withCalls(
  client: Client,
  calls: Partial<Pick<Client, "execute" | "batch">>,
): Client {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === "execute" && calls.execute) return calls.execute;
      if (key === "batch" && calls.batch) return calls.batch;
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
