/**
 * `deno task reminders`: runs the scheduled notifications job once against
 * DATABASE_URL and prints what it created (servers also run it on an interval).
 * @module
 */
import { loadConfig } from "../config.ts";
import { openLibsql } from "../db/libsql.ts";
import { regionDatabase } from "../regions/region-database.ts";
import { localHub } from "./hub.ts";
import { runScheduledNotifications } from "./scheduled.ts";

const config = loadConfig(Deno.env.toObject());
if (config.region.role === "replica") {
  console.error("A far region's replica is read-only: run the job against the primary.");
  Deno.exit(1);
}
// On a primary its writes go through the replication log like the server's.
const { client, db } = regionDatabase(config.region, await openLibsql(config.database));
const started = performance.now();
// Nobody listens in this process; open streams pick the rows up by polling or replay.
const result = await runScheduledNotifications(db, localHub(), new Date());
console.log(JSON.stringify({ ...result, ms: Math.round(performance.now() - started) }));
client.close();
