/**
 * `deno task seed`: fills a fresh database with deterministic demo data (SPEC §6;
 * builders in src/seed/). Refuses, changing nothing, when the database already
 * has data, unless `--reset`. Prints what it made and how long it took.
 *
 *   deno task seed [--seed N] [--tenants N] [--scale N] [--reset]
 *                  [--reference-date YYYY-MM-DD] [--quiet]
 * @module
 */
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { scryptHasher } from "./src/auth/passwords.ts";
import { loadConfig } from "./src/config.ts";
import { isLocalFile, localFilePath } from "./src/db/libsql.ts";
import { calendarDate } from "./src/lib/fields.ts";
import { openDatabase } from "./src/deno-deps.ts";
import { threadFileStore } from "./src/seed/files-thread.ts";
import { openForLoad } from "./src/seed/load-connection.ts";
import { threadStager } from "./src/seed/stage-thread.ts";
import { DEFAULT_REFERENCE_DATE, DEFAULT_SEED, seedDatabase } from "./src/seed/seed-database.ts";
import { STAFF_EMAIL_DOMAIN, STAFF_PASSWORD } from "./src/seed/tenancy.ts";
import { existingData, libsqlRunner, wipeDatabase, WRITE_ORDER } from "./src/seed/writer.ts";
import { getTableName } from "drizzle-orm";

const USAGE = `Usage: deno task seed [options]
  --seed N                  random seed (default ${DEFAULT_SEED}); same seed, same data
  --tenants N               agencies to create (default 3)
  --scale N                 multiply each agency's clients and their records by N (default 1)
  --reset                   wipe every row first (schema and migrations stay)
  --reference-date DATE     "today" of the seeded world (default ${
  DEFAULT_REFERENCE_DATE.toISOString().slice(0, 10)
})
  --quiet                   only the summary
  --help                    this text`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}.`);
  return n;
}

let args;
try {
  args = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      seed: { type: "string" },
      tenants: { type: "string" },
      scale: { type: "string" },
      reset: { type: "boolean", default: false },
      "reference-date": { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const dateText = args["reference-date"];
// The API's own calendar-date rule: 2026-02-30 is refused, not read as 2 March.
if (dateText !== undefined && !calendarDate.safeParse(dateText).success) {
  fail("--reference-date must be a real date, YYYY-MM-DD.");
}
const referenceDate = dateText ? new Date(`${dateText}T09:00:00.000Z`) : DEFAULT_REFERENCE_DATE;

const config = loadConfig(Deno.env.toObject());
const options = {
  seed: positiveInt("seed", args.seed, DEFAULT_SEED, 0),
  tenants: positiveInt("tenants", args.tenants, 3),
  scale: positiveInt("scale", args.scale, 1),
  referenceDate,
  admin: config.seedAdmin,
};

if (options.scale > 1 && !isLocalFile(config.database.url)) {
  // The scaled clients are generated from TEMP tables, which live on one
  // connection: a remote database gives every request its own.
  fail("--scale above 1 needs a local file database (DATABASE_URL=file:…).");
}

if (config.region.role !== "single") {
  // Its rows would bypass the primary's replication log (src/regions).
  fail(
    "Seed a database before it has regions: unset REPLICATION_SECRET and REGION_PRIMARY_URL, " +
      "seed, then copy the file to each region.",
  );
}

const started = performance.now();
// A plain file (not an embedded replica) gets the seed's own connection
// (src/seed/load-connection.ts).
const path = config.database.syncUrl ? null : localFilePath(config.database.url);
const folder = path ? dirname(path) : null;
if (folder) await Deno.mkdir(folder, { recursive: true });
const load = path ? await openForLoad(config.database.url) : null;
const { client, db } = load ?? await openDatabase(config);

/** Leaves a file in WAL mode and on disk: with fsyncs off, nothing was until now. */
async function close(): Promise<void> {
  if (!load || !path || !folder) return client.close();
  await load.finish();
  for (const name of [path, folder]) {
    using file = await Deno.open(name, { read: true });
    await file.sync();
  }
}

const existing = await existingData(db);
if (existing.tenants + existing.users > 0) {
  if (!args.reset) {
    console.log(
      `The database already has data (${existing.tenants} tenants, ${existing.users} users); nothing was changed.\n` +
        "Run `deno task seed --reset` to wipe it and seed again.",
    );
    await close();
    Deno.exit(0);
  }
  await wipeDatabase(db);
  if (isLocalFile(config.database.url)) await client.execute("VACUUM");
  console.log(
    `Wiped ${existing.tenants} tenants, ${existing.users} users and everything of theirs.`,
  );
}

if (!args.quiet) {
  console.log(
    `Seeding ${options.tenants} agencies at scale ${options.scale} (seed ${options.seed}, today ${
      referenceDate.toISOString().slice(0, 10)
    })…`,
  );
}
const files = threadFileStore();
// The scaled rows are made on a thread of their own; TEMP tables and ATTACH need
// a local file (`--scale` above 1 requires one).
const stager = options.scale > 1 ? threadStager() : undefined;
let summary;
try {
  summary = await seedDatabase(
    { db, run: libsqlRunner(client), files, file: path ?? undefined },
    options,
    {
      passwords: scryptHasher(),
      log: args.quiet ? undefined : (line) => console.log(line),
      stager,
    },
  );
} finally {
  files.close();
  await stager?.close();
}
const closing = performance.now();
await close();
if (!args.quiet) {
  console.log(
    `  closed and synced to disk (${((performance.now() - closing) / 1000).toFixed(1)} s)`,
  );
}

const order = WRITE_ORDER.map(getTableName);
const entries = Object.entries(summary.counts).sort(([a], [b]) =>
  order.indexOf(a) - order.indexOf(b)
);
const width = Math.max(...entries.map(([name]) => name.length), 6);
console.log(`\n  ${"entity".padEnd(width)}  count`);
for (const [name, count] of entries) {
  console.log(`  ${name.padEnd(width)}  ${count.toLocaleString("en-US").padStart(9)}`);
}
const total = entries.reduce((sum, [, n]) => sum + n, 0);
console.log(`  ${"total".padEnd(width)}  ${total.toLocaleString("en-US").padStart(9)}`);
console.log(`\nSeeded in ${((performance.now() - started) / 1000).toFixed(2)} s.`);
console.log(
  `Log in as ${config.seedAdmin.email} (platform admin) or as staff, e.g. super_admin@t1.${STAFF_EMAIL_DOMAIN}, ` +
    `consultant.b1.1@t1.${STAFF_EMAIL_DOMAIN} (password ${STAFF_PASSWORD}); the README lists every login.`,
);
