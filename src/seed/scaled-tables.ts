/**
 * Writes the scaled tables (bulk.ts makes their SQL) into the seed's database:
 * on its own connection, or with a {@link Stager} that makes the rows on another
 * thread. Each table's indexes and triggers are dropped for its rows and built
 * again after them.
 * @module
 */
import { getTableName, sql } from "drizzle-orm";
import { clients, RECOUNT_CLIENTS } from "../db/schema/index.ts";
import { type BulkInput, BulkSql, workTableStatements } from "./bulk.ts";
import { mmapPragma } from "./load-connection.ts";
import type { SeedTarget, Statement } from "./writer.ts";

/**
 * Runs the scaled tables' SELECTs on a connection of its own (on another thread),
 * each into a database file of its own, which the seed's connection then copies
 * from. SQLite writes one file from one thread at a time, and the SELECTs (the
 * client stream and every row's draws) are a third of the scaled work: staged,
 * they run on the second core while this one writes the agencies and copies and
 * indexes the tables staged before.
 *
 * The clients, the largest table, can skip the copy: given the seed's own file
 * (`into`), the stager attaches it as `seed_target` and runs `into.insert`
 * (an INSERT into `seed_target.clients`) there once asked to (`load`), while
 * the seed's connection holds no transaction. Copying them from a staged file
 * cost the seed's thread 7.6–16.5 s of the 1 M seed.
 */
export type Stager = {
  /**
   * Runs `setup`, then each select into a file with one table, `rows`: a path per
   * select; with `into`, the first select's rows go into that database instead.
   */
  stage(setup: Statement[], selects: string[], into?: StageInto): StagedRun;
  /** Deletes a staged file once copied. */
  discard(path: string): Promise<void>;
};

/** The seed's file and the INSERT that fills its clients from the stager's connection. */
export type StageInto = { path: string; insert: string };

export type StagedRun = {
  /** One per select; the first one is rejected when it is loaded in place. */
  paths: Promise<string>[];
  /** With `into`: writes the first select's rows there now; resolves to how many. */
  load: (() => Promise<number>) | null;
};

/**
 * One scaled table: its INSERT's head (`INSERT INTO t (…)`), the column list
 * alone, and the SELECT that fills it.
 */
type ScaledTable = { table: string; head: string; columns: string; select: string };

/** The scaled tables, started on the stager at once when there is one. */
export type ScaledRun = {
  input: BulkInput;
  total: number;
  setup: Statement[];
  work: string[];
  tables: ScaledTable[];
  staged: StagedRun & { stager: Stager } | null;
};

const INSERT_HEAD = /^INSERT INTO (\w+) (\([^)]*\))\n/;

/**
 * Plans the scaled tables and, given a stager, starts their SELECTs there. With
 * `file` (the seed's database, a local file) the stager writes the clients into it.
 */
export function startScaledClients(
  input: BulkInput,
  stager?: Stager,
  file?: string,
): ScaledRun {
  const q = new BulkSql(input);
  const statements = [
    q.clients(),
    q.passports(),
    q.qualifications(),
    q.proficiencies(),
    q.lpes(),
    q.experiences(),
    q.notes(),
    q.visaApplications(),
    q.applications(),
    q.tasks(),
    q.reminders(),
  ];
  const tables = statements.map((statement) => {
    const head = INSERT_HEAD.exec(statement);
    if (!head) throw new Error(`Not an INSERT … SELECT: ${statement.slice(0, 40)}`);
    return {
      table: head[1],
      head: head[0],
      columns: head[2],
      select: statement.slice(head[0].length),
    };
  });
  const work = workTableStatements(input);
  const setup = [...work.statements, { sql: q.clientStream() }];
  const empty = input.perTenant <= 0 || input.tenants.length === 0;
  return {
    input,
    total: q.total,
    setup,
    work: [...work.names, "seed_tmp_c"],
    tables: empty ? [] : tables,
    staged: stager && !empty
      ? {
        stager,
        ...stager.stage(
          setup,
          tables.map((t) => t.select),
          file ? { path: file, insert: intoTarget(tables[0]) } : undefined,
        ),
      }
      : null,
  };
}

function intoTarget({ table, columns, select }: ScaledTable): string {
  return `INSERT INTO seed_target.${table} ${columns}\n${select}`;
}

/**
 * Writes the scaled clients and dependents (staged or here); returns rows
 * written per table. Here, the TEMP tables live on the connection: the seed
 * sends one statement at a time, so the client's pool keeps handing out the
 * same one (a statement that landed elsewhere would fail, not go wrong).
 */
export async function seedScaledClients(
  { db, run }: SeedTarget,
  scaled: ScaledRun,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (scaled.tables.length === 0) return counts;
  const { input, staged } = scaled;
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  // Rows reference only rows this run made or read from the lookup tables, so the
  // per-row foreign key probes are skipped; the tests check the keys afterwards.
  // (A pragma outside any transaction: inside one it does nothing.)
  await db.run(sql`PRAGMA foreign_keys = OFF`);
  try {
    if (!staged) {
      await run(scaled.setup);
      input.log(`  scaled client stream ${scaled.total.toLocaleString("en-US")} (${elapsed()})`);
    }
    for (const [i, { table, head, select }] of scaled.tables.entries()) {
      // The table's indexes are dropped and built again after its rows, in the
      // same transaction (so never missing; the clients written in place by the
      // stager are the exception, see below). Rows arrive agency by agency in
      // creation order, so each index grows at a few hot pages per agency, but
      // a sorted build is still cheaper: at a million clients the clients
      // statement took 34.1 s with its ten indexes kept, 25.8 s rebuilt, the
      // other tables 39.3 → 32.9 s (migration 0011's four search_text indexes
      // take 3–4 s each). The primary key's index (a constraint) stays.
      // Its triggers too (client_counts' upserts, a million of them): the
      // counts they keep are counted again once the rows and indexes are in.
      const dropped = await db.all<{ type: string; name: string; sql: string }>(
        sql`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ${table} AND sql IS NOT NULL ORDER BY rowid`,
      );
      const recount = table === getTableName(clients) ? RECOUNT_CLIENTS : [];
      const drops = dropped.map((item) => ({
        sql: `DROP ${item.type.toUpperCase()} "${item.name}"`,
      }));
      const rebuilds = [
        ...dropped.map((item) => ({ sql: item.sql })),
        // After the indexes: the count then reads a covering one, not the table.
        ...recount.map((statement) => ({ sql: statement })),
      ];
      let note = "";
      if (i === 0 && staged?.load) {
        // Written into this file by the stager's connection (see Stager), so in
        // three transactions, not one: the indexes and triggers come back even
        // when the load fails; only a killed seed leaves them missing (it leaves
        // a file to delete anyway, see load-connection.ts).
        await run(drops);
        try {
          counts[table] = await staged.load();
        } catch (error) {
          // The load's own error is the one to report, whatever the rebuild does.
          await run(rebuilds).catch(() => {});
          throw error;
        }
        await run(rebuilds);
        note = ", written in place by the stager";
      } else {
        let path: string | null = null;
        if (staged) {
          const asked = performance.now();
          path = await staged.paths[i];
          note = `, ${((performance.now() - asked) / 1000).toFixed(1)} s waiting for its rows`;
          // ATTACH cannot run inside a transaction.
          await db.run(sql`ATTACH ${path} AS seed_stage`);
          // Read through mmap, as the main file is (the pragma is per schema).
          await db.run(sql.raw(mmapPragma("seed_stage")));
        }
        try {
          const affected = await run([
            ...drops,
            { sql: head + (staged ? "SELECT * FROM seed_stage.rows" : select) },
            ...rebuilds,
          ]);
          counts[table] = affected[drops.length];
        } finally {
          if (path !== null) {
            await db.run(sql`DETACH seed_stage`);
            await staged?.stager.discard(path);
          }
        }
      }
      input.log(
        `  scaled ${table} ${counts[table].toLocaleString("en-US")} (${elapsed()}${note})`,
      );
    }
  } finally {
    await db.run(sql`PRAGMA foreign_keys = ON`);
    if (!staged) {
      await run(scaled.work.map((name) => ({ sql: `DROP TABLE IF EXISTS temp.${name}` })));
    }
  }
  return counts;
}
