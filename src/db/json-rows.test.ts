/**
 * Rows read as SQLite's JSON (json-rows.ts) are the rows drizzle reads: every
 * table of a seeded database, every column kind (text, integer, real, boolean and
 * JSON columns, NULLs), the same keys in the same order less the generated
 * columns (clients.search_text), and the same filtering, ordering and paging.
 * @module
 */
import assert from "node:assert/strict";
import { asc, desc, eq, getTableName, is, isNull, sql } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { scryptHasher } from "../auth/passwords.ts";
import { DEFAULT_REFERENCE_DATE, seedDatabase } from "../seed/seed-database.ts";
import { libsqlRunner } from "../seed/writer.ts";
import { parseRow, preparedRowsText, preparedRowTexts, selectRows } from "./json-rows.ts";
import { openLibsql } from "./libsql.ts";
import { migrateDatabase } from "./migrate.ts";
import { rowColumns, type RowOf } from "./row-columns.ts";
import * as schema from "./schema/index.ts";
import { clients } from "./schema/index.ts";

/** Drizzle's rows of `table` less its generated columns, as json-rows reads them. */
function asRows<T extends SQLiteTable>(table: T, rows: T["$inferSelect"][]): RowOf<T>[] {
  const keys = rowColumns(table).map(([key]) => key);
  return rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key]])) as RowOf<T>);
}

Deno.test("json rows: every table of a seeded database reads as drizzle reads it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "leopard-json-rows-" });
  const { client, db } = await openLibsql({ url: `file:${dir}/rows.db` });
  try {
    await migrateDatabase(db);
    await seedDatabase(
      { db, run: libsqlRunner(client) },
      {
        seed: 7,
        tenants: 2,
        scale: 1,
        referenceDate: DEFAULT_REFERENCE_DATE,
        admin: { email: "admin@leopard.test", password: "leopard-admin-2026" },
      },
      { passwords: scryptHasher({ N: 2 ** 10, r: 8, p: 1 }) },
    );
    const tables = (Object.values(schema) as unknown[]).filter((t) =>
      is(t, SQLiteTable)
    ) as SQLiteTable[];
    let seen = 0;
    for (const table of tables) {
      const expected = asRows(table, await db.select().from(table));
      const got = await selectRows(db, table);
      assert.deepEqual(got, expected, getTableName(table));
      for (let i = 0; i < got.length; i++) {
        assert.deepEqual(Object.keys(got[i]), Object.keys(expected[i]), getTableName(table));
      }
      seen += got.length;
    }
    assert.ok(seen > 1000, `only ${seen} rows seeded`);

    // Filter, order, limit and offset as the query builder applies them.
    const [some] = await db.select().from(clients).limit(1);
    const where = eq(clients.tenant_id, some.tenant_id);
    const orderBy = [desc(clients.created_at), asc(clients.id)];
    for (const [limit, offset] of [[5, 0], [5, 3], [1000, 0], [undefined, 2]] as const) {
      let builder = db.select().from(clients).where(where).orderBy(...orderBy).$dynamic();
      builder = builder.limit(limit ?? 1_000_000);
      if (offset) builder = builder.offset(offset);
      assert.deepEqual(
        await selectRows(db, clients, { where, orderBy, limit, offset }),
        asRows(clients, await builder),
        `limit ${limit} offset ${offset}`,
      );
    }
    assert.deepEqual(
      await selectRows(db, clients, { where: isNull(clients.id) }),
      [],
    );

    // A prepared read answers each call with its own arguments.
    const tenants = [...new Set((await db.select().from(clients)).map((c) => c.tenant_id))];
    assert.ok(tenants.length >= 2);
    for (const tenant of [...tenants, ...tenants]) {
      assert.deepEqual(
        (await preparedRowTexts(db, clients, "test by tenant", () => ({
          where: eq(clients.tenant_id, sql.placeholder("tenant")),
          orderBy,
          limit: 7,
          offset: 2,
        }), { tenant })).map(parseRow),
        asRows(
          clients,
          await db.select().from(clients).where(eq(clients.tenant_id, tenant))
            .orderBy(...orderBy).limit(7).offset(2),
        ),
      );
    }

    // Rows joined by SQLite keep the order of the query, in every direction and page.
    const orders = [
      [desc(clients.created_at), desc(clients.id)],
      [asc(clients.last_name), asc(clients.id)],
      [desc(clients.first_name), asc(clients.id)],
    ];
    for (const [o, order] of orders.entries()) {
      for (const offset of [0, 10, 1000]) {
        const joined = await preparedRowsText(db, clients, `test joined ${o}`, () => ({
          where: eq(clients.tenant_id, sql.placeholder("tenant")),
          orderBy: order,
          limit: sql.placeholder("limit"),
          offset: sql.placeholder("offset"),
        }), { tenant: tenants[0], limit: 40, offset });
        const expected = asRows(
          clients,
          await db.select().from(clients).where(eq(clients.tenant_id, tenants[0]))
            .orderBy(...order).limit(40).offset(offset),
        );
        assert.deepEqual(JSON.parse(`[${joined.text}]`), expected, `order ${o} offset ${offset}`);
        assert.equal(joined.rows, expected.length);
        assert.equal(expected.length, offset === 1000 ? 0 : 40);
      }
    }
  } finally {
    client.close();
    await Deno.remove(dir, { recursive: true });
  }
});
