/**
 * `deno task migrate`: applies pending migrations to DATABASE_URL, local or remote.
 * @module
 */
import { loadConfig } from "../config.ts";
import { openLibsql } from "./libsql.ts";
import { migrateDatabase } from "./migrate.ts";

const config = loadConfig(Deno.env.toObject());
const { client, db } = await openLibsql(config.database);
const started = performance.now();
await migrateDatabase(db);
console.log(`migrated ${config.database.url} in ${Math.round(performance.now() - started)} ms`);
client.close();
