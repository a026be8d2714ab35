/**
 * The database a Deno instance serves, by its place among regions
 * (config.region): alone, the plain embedded file; the primary, the file with
 * its write log and log positions as bookmarks; a far region, the replica file,
 * read-only to the app (the replication loop writes it through `writer`).
 * @module
 */
import type { Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { RegionConfig } from "../config.ts";
import { shareChanges } from "../db/change-version.ts";
import type { LibsqlDatabase } from "../db/libsql.ts";
import * as schema from "../db/schema/index.ts";
import type { ReadSessions } from "../lib/bookmarks.ts";
import { RELAY_HEADER } from "./regional-gateway.ts";
import { sameSecret } from "./replication-feed.ts";
import { logPosition, refuseWrites, withReplicationLog } from "./replication-log.ts";

export type RegionDatabase = {
  /** The app's handle. */
  db: LibsqlDatabase;
  /** The client under `db` (the primary's feed reads its log through it). */
  client: Client;
  /** The client that may write the file: the app's own, or a replica's loop. */
  writer: Client;
  sessions?: ReadSessions;
};

export function regionDatabase(
  region: RegionConfig,
  opened: { client: Client; db: LibsqlDatabase },
): RegionDatabase {
  if (region.role === "single") return { ...opened, writer: opened.client };
  // Handles on the same file as `opened.db`: the same change version, so the
  // live-actor and count caches work here too (its writes all reach opened.client).
  const handle = (client: Client) => {
    const db = drizzle(client, { schema });
    shareChanges(opened.db, db);
    return db;
  };
  if (region.role === "replica") {
    const client = refuseWrites(opened.client);
    return { db: handle(client), client, writer: opened.client };
  }
  const client = withReplicationLog(opened.client);
  const db = handle(client);
  // Every answer's bookmark is at least its own write: the log's newest position.
  const bookmark = async () => String(await logPosition(client));
  return { db, client, writer: client, sessions: { open: () => ({ db, bookmark }) } };
}

/**
 * The caller's address: the connection's, or on the primary, for a request a
 * far region relayed with the shared secret, the address the region saw.
 */
export function regionClientIp(region: RegionConfig, request: Request, remote: string): string {
  if (region.role !== "primary") return remote;
  const relay = request.headers.get(RELAY_HEADER);
  if (!relay || !sameSecret(relay, region.secret)) return remote;
  return request.headers.get("x-forwarded-for")?.split(",")[0].trim() || remote;
}
