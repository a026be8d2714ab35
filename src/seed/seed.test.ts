/**
 * The seed, proven through the HTTP API on the seeded database: every login works,
 * each role sees exactly its part, the summary counts the rows, the same seed gives
 * the same bytes, scaled clients obey the same rules, and the CLI refuses a seeded
 * database unless `--reset`.
 */
import assert from "node:assert/strict";
import type { Client } from "@libsql/client";
import { and, eq, isNull, sql } from "drizzle-orm";
import {
  assertError,
  call,
  type Res,
  results,
  tableCounts,
  testAppOn,
} from "../../tests/support.ts";
import { scryptHasher } from "../auth/passwords.ts";
import type { Database } from "../db/database.ts";
import { openLibsql } from "../db/libsql.ts";
import { migrateDatabase } from "../db/migrate.ts";
import {
  branches,
  change_epochs,
  clients,
  RECOUNT_CLIENTS,
  tenants,
  users,
} from "../db/schema/index.ts";
import { sha256Hex } from "../files/file-store.ts";
import { isUuid } from "../lib/ids.ts";
import { localHub } from "../notifications/hub.ts";
import { runScheduledNotifications } from "../notifications/scheduled.ts";
import { ieltsOverall } from "./clients.ts";
import type { Stager } from "./scaled-tables.ts";
import { dumpHash } from "./dump.ts";
import { DEFAULT_REFERENCE_DATE, seedDatabase, type SeedOptions } from "./seed-database.ts";
import { openForLoad } from "./load-connection.ts";
import { threadStager } from "./stage-thread.ts";
import { STAFF_PASSWORD, staffLogins } from "./tenancy.ts";
import { libsqlRunner } from "./writer.ts";

const ADMIN = { email: "admin@leopard.test", password: "leopard-admin-2026" };
const cheapHasher = scryptHasher({ N: 2 ** 10, r: 8, p: 1 });

function options(overrides: Partial<SeedOptions> = {}): SeedOptions {
  return {
    seed: 2026,
    tenants: 3,
    scale: 1,
    referenceDate: DEFAULT_REFERENCE_DATE,
    admin: ADMIN,
    ...overrides,
  };
}

async function seeded(overrides: Partial<SeedOptions> = {}, stager?: Stager) {
  const { client, db } = await openLibsql({ url: ":memory:" });
  await migrateDatabase(db);
  return await seededOn({ client, db }, overrides, stager);
}

/** Seeds a migrated database; `file` is its path when the stager may write into it. */
async function seededOn(
  { client, db }: { client: Client; db: Database },
  overrides: Partial<SeedOptions> = {},
  stager?: Stager,
  file?: string,
) {
  const log: string[] = [];
  const summary = await seedDatabase({ db, run: libsqlRunner(client), file }, options(overrides), {
    passwords: cheapHasher,
    stager,
    log: (line) => log.push(line),
  });
  return { client, db, summary, log };
}

type App = ReturnType<typeof testAppOn>;

async function login(t: App, email: string, password = STAFF_PASSWORD): Promise<Res> {
  return await call(t, "POST", "/api/v1/auth/login", { body: { email, password } });
}

async function tokenOf(t: App, email: string, password = STAFF_PASSWORD): Promise<string> {
  const res = await login(t, email, password);
  assert.equal(res.status, 200, `${email}: ${res.text}`);
  return res.body.access_token as string;
}

async function count(db: Database, query: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql.raw(query));
  return Number(row.n);
}

/** Ids of tenant `no`'s places, read back through its staff's placement. */
async function placesOf(db: Database, no: number) {
  const byEmail = new Map(
    (await db.select().from(users)).map((u) => [u.email, u] as const),
  );
  const at = (handle: string) => byEmail.get(`${handle}@t${no}.leopard.test`)!;
  return {
    tenantId: at("super_admin").tenant_id!,
    regions: [1, 2].map((r) => at(`region_manager.r${r}`).region_id!),
    branches: [1, 2, 3, 4].map((b) => at(`branch_admin.b${b}`).branch_id!),
  };
}

Deno.test("the default seed: logins, scope, counts", async (t) => {
  const { client, db, summary } = await seeded();
  const app = testAppOn(db, () => client.close());

  await t.step("the summary counts exactly the rows written", async () => {
    // client_counts and change_epochs are not written by the seed: triggers keep them.
    const { client_counts: _kept, change_epochs: _moved, ...counts } = await tableCounts(db);
    for (const [table, n] of Object.entries(counts)) {
      assert.equal(summary.counts[table] ?? 0, n, table);
    }
  });

  await t.step("every seeded login works and is placed as the README says", async () => {
    const admin = await login(app, ADMIN.email, ADMIN.password);
    assert.equal(admin.status, 200, admin.text);
    assert.equal((admin.body.user as { role: string }).role, "super_super_admin");
    const expected = [ADMIN.email];
    for (const no of [1, 2, 3]) {
      const places = await placesOf(db, no);
      for (const staff of staffLogins(no)) {
        expected.push(staff.email);
        const res = await login(app, staff.email);
        assert.equal(res.status, 200, `${staff.email}: ${res.text}`);
        const user = res.body.user as Record<string, string | null>;
        assert.equal(user.role, staff.role);
        assert.equal(user.tenant_id, places.tenantId);
        assert.equal(user.region_id, staff.region ? places.regions[staff.region - 1] : null);
        assert.equal(user.branch_id, staff.branch ? places.branches[staff.branch - 1] : null);
      }
    }
    const seededEmails = (await db.select({ email: users.email }).from(users)).map((u) => u.email);
    assert.deepEqual(seededEmails.sort(), expected.sort());
  });

  await t.step("each branch's region is its branch admin's region", async () => {
    for (const no of [1, 2, 3]) {
      const places = await placesOf(db, no);
      for (const [b, id] of places.branches.entries()) {
        const [row] = await db.select().from(branches).where(eq(branches.id, id));
        assert.equal(row.region_id, places.regions[b < 2 ? 0 : 1]);
        assert.equal(row.deleted_at, null);
      }
    }
  });

  await t.step("each role sees exactly its scope of clients and visa applications", async () => {
    const places = await placesOf(db, 1);
    const other = await placesOf(db, 2);
    const inScope = (where: string) =>
      `FROM clients WHERE tenant_id = '${places.tenantId}' AND deleted_at IS NULL AND ${where}`;
    const regionBranches = (r: number) =>
      `branch_id IN (SELECT id FROM branches WHERE region_id = '${places.regions[r - 1]}')`;
    const [otherClient] = await db.select({ id: clients.id }).from(clients).where(
      and(eq(clients.tenant_id, other.tenantId), isNull(clients.deleted_at)),
    ).limit(1);
    const clientOf = async (branch: number) =>
      (await db.select({ id: clients.id }).from(clients).where(
        and(eq(clients.branch_id, places.branches[branch - 1]), isNull(clients.deleted_at)),
      ).limit(1))[0].id;

    for (const staff of staffLogins(1)) {
      const where = staff.branch
        ? `branch_id = '${places.branches[staff.branch - 1]}'`
        : staff.region
        ? regionBranches(staff.region)
        : "1";
      const token = await tokenOf(app, staff.email);
      const listed = await call(app, "GET", "/api/v1/clients?page_size=1", { token });
      assert.equal(
        listed.body.count,
        await count(db, `SELECT count(*) AS n ${inScope(where)}`),
        staff.email,
      );
      const visas = await call(app, "GET", "/api/v1/visa-applications?page_size=1", { token });
      assert.equal(
        visas.body.count,
        await count(
          db,
          `SELECT count(*) AS n FROM visa_applications WHERE client_id IN (SELECT id ${
            inScope(where)
          })`,
        ),
        staff.email,
      );
      assertError(await call(app, "GET", `/api/v1/clients/${otherClient.id}`, { token }), 404);
      // Branch b4 is in region r2: only tenant-level staff and r2's see its clients.
      const far = await call(app, "GET", `/api/v1/clients/${await clientOf(4)}`, { token });
      const seesFar = !staff.region || staff.region === 2 && (!staff.branch || staff.branch === 4);
      assert.equal(far.status, seesFar ? 200 : 404, `${staff.email}: ${far.text}`);
    }
  });

  await t.step(
    "soft-deleted clients: listed for branch admins on request, 403 for consultants",
    async () => {
      const places = await placesOf(db, 1);
      const admin = await tokenOf(app, "branch_admin.b1@t1.leopard.test");
      const deleted = await call(app, "GET", "/api/v1/clients?only_deleted=true", { token: admin });
      assert.equal(
        deleted.body.count,
        await count(
          db,
          `SELECT count(*) AS n FROM clients WHERE branch_id = '${
            places.branches[0]
          }' AND deleted_at IS NOT NULL`,
        ),
      );
      const consultant = await tokenOf(app, "consultant.b1.1@t1.leopard.test");
      assertError(
        await call(app, "GET", "/api/v1/clients?only_deleted=true", { token: consultant }),
        403,
      );
      const superAdmin = await tokenOf(app, "super_admin@t1.leopard.test");
      const all = await call(app, "GET", "/api/v1/clients?only_deleted=true", {
        token: superAdmin,
      });
      assert.equal(all.body.count, 2, "two soft-deleted clients per agency");
      const agents = await call(app, "GET", "/api/v1/agents?only_deleted=true", {
        token: superAdmin,
      });
      assert.equal(agents.body.count, 1);
      const closed = await call(app, "GET", "/api/v1/branches?only_deleted=true", {
        token: superAdmin,
      });
      assert.equal(closed.body.count, 1);
    },
  );

  await t.step("a consultant's tasks are exactly those the task rule gives it", async () => {
    const places = await placesOf(db, 1);
    const [me] = await db.select().from(users).where(
      eq(users.email, "consultant.b1.1@t1.leopard.test"),
    );
    const token = await tokenOf(app, me.email);
    const listed = await call(app, "GET", "/api/v1/tasks?page_size=100", { token });
    const expected = await count(
      db,
      `SELECT count(*) AS n FROM tasks t WHERE t.tenant_id = '${places.tenantId}'
        AND (t.client_id IS NULL OR t.client_id IN (SELECT id FROM clients WHERE deleted_at IS NULL))
        AND (t.created_by = '${me.id}' OR t.assigned_to = '${me.id}'
          OR t.assigned_to IN (SELECT id FROM users WHERE branch_id = '${places.branches[0]}')
          OR t.client_id IN (SELECT id FROM clients WHERE branch_id = '${places.branches[0]}'))`,
    );
    assert.ok(expected > 0);
    assert.equal(listed.body.count, expected);
  });

  await t.step("the platform admin needs X-Tenant-ID for tenant data", async () => {
    const token = await tokenOf(app, ADMIN.email, ADMIN.password);
    assertError(await call(app, "GET", "/api/v1/clients", { token }), 400, "tenant_required");
    const places = await placesOf(db, 3);
    const res = await call(app, "GET", "/api/v1/clients?page_size=1", {
      token,
      headers: { "x-tenant-id": places.tenantId },
    });
    assert.equal(
      res.body.count,
      await count(
        db,
        `SELECT count(*) AS n FROM clients WHERE tenant_id = '${places.tenantId}' AND deleted_at IS NULL`,
      ),
    );
  });

  await t.step("the summary counts the rows, and the API agrees", async () => {
    const admin = await tokenOf(app, ADMIN.email, ADMIN.password);
    const listed = await call(app, "GET", "/api/v1/tenants", { token: admin });
    assert.equal(listed.body.count, summary.counts.tenants);
    let clientsSeen = 0;
    let usersSeen = 0;
    for (const no of [1, 2, 3]) {
      const token = await tokenOf(app, `super_admin@t${no}.leopard.test`);
      const all = await call(app, "GET", "/api/v1/clients?include_deleted=true&page_size=1", {
        token,
      });
      clientsSeen += all.body.count as number;
      usersSeen += (await call(app, "GET", "/api/v1/users?page_size=1", { token })).body
        .count as number;
      for (const path of ["visa-categories", "visa-types", "application-types"]) {
        const res = await call(app, "GET", `/api/v1/${path}?page_size=1`, { token });
        const table = path.replaceAll("-", "_");
        const tenantId = (await placesOf(db, no)).tenantId;
        assert.equal(
          res.body.count,
          await count(db, `SELECT count(*) AS n FROM ${table} WHERE tenant_id = '${tenantId}'`),
          path,
        );
      }
    }
    assert.equal(clientsSeen, summary.counts.clients);
    // Each super_admin sees its agency's users; the platform admin is nobody's.
    assert.equal(usersSeen, summary.counts.users - 1);
    assert.ok(summary.counts.clients >= 150, "50+ live clients per agency");
  });

  await t.step("every visa status, and notifications in every recipient's inbox", async () => {
    for (const no of [1, 2, 3]) {
      const { tenantId } = await placesOf(db, no);
      const statuses = await db.all<{ status: string }>(
        sql`SELECT DISTINCT status FROM visa_applications WHERE tenant_id = ${tenantId}`,
      );
      assert.equal(statuses.length, 7, `tenant ${no}: ${statuses.map((s) => s.status)}`);
    }
    const token = await tokenOf(app, "consultant.b1.1@t1.leopard.test");
    const [me] = await db.select().from(users).where(
      eq(users.email, "consultant.b1.1@t1.leopard.test"),
    );
    const inbox = await call(app, "GET", "/api/v1/notifications?page_size=100", { token });
    const mine = await count(
      db,
      `SELECT count(*) AS n FROM notifications WHERE recipient_id = '${me.id}'`,
    );
    assert.ok(mine > 0);
    assert.equal(inbox.body.count, mine);
    const seqs = results(inbox).map((n) => n.seq as number).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: mine }, (_, i) => i + 1),
      "seq is 1..n per recipient",
    );
  });

  app.close();
});

Deno.test("the same seed gives identical data, scaled clients included; another seed does not", async () => {
  const hashes: string[] = [];
  for (const seed of [7, 7, 8]) {
    const { client, db } = await seeded({ seed, tenants: 2, scale: 2 });
    hashes.push(await dumpHash(db));
    client.close();
  }
  assert.equal(hashes[0], hashes[1]);
  assert.notEqual(hashes[0], hashes[2]);
});

Deno.test("scaled rows staged on another thread, or written into the file from there, are the rows made in place, in the same order", async () => {
  const outcomes: string[][] = [];
  const dir = await Deno.makeTempDir({ prefix: "leopard-seed-stage-test-" });
  try {
    for (const way of ["here", "staged", "into the file"] as const) {
      const stager = way === "here" ? undefined : threadStager();
      const file = way === "into the file" ? `${dir}/seed.db` : undefined;
      // The file is opened as `deno task seed` opens it, journal in memory.
      const load = file ? await openForLoad(`file:${file}`) : null;
      try {
        const { client, db, log } = load
          ? await seededOn(load, { tenants: 2, scale: 3 }, stager, file)
          : await seeded({ tenants: 2, scale: 3 }, stager);
        assert.equal(
          log.some((line) => line.includes("written in place by the stager")),
          file !== undefined,
          way,
        );
        const order: string[] = [await dumpHash(db)];
        for (const table of ["clients", "client_notes", "visa_applications", "tasks"]) {
          const rows = await db.all<{ id: string }>(
            sql.raw(`SELECT id FROM ${table} ORDER BY rowid`),
          );
          order.push(rows.map((r) => r.id).join());
        }
        // Every index and trigger is back, and every foreign key holds.
        const schema = await db.all<{ name: string }>(
          sql`SELECT type || ' ' || name AS name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name`,
        );
        order.push(schema.map((r) => r.name).join());
        assert.deepEqual(await db.all(sql`PRAGMA foreign_key_check`), [], way);
        outcomes.push(order);
        if (load) await load.finish();
        else client.close();
      } finally {
        await stager?.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(outcomes.length, 3);
  assert.deepEqual(outcomes[1], outcomes[0]);
  assert.deepEqual(outcomes[2], outcomes[0]);
});

Deno.test("a load in place that fails is reported, and the clients keep their indexes and triggers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "leopard-seed-stage-test-" });
  const stager = threadStager();
  const load = await openForLoad(`file:${dir}/seed.db`);
  try {
    const schemaOf = () =>
      load.db.all<{ name: string }>(
        sql`SELECT name FROM sqlite_master WHERE tbl_name = 'clients' AND type IN ('index', 'trigger') ORDER BY name`,
      );
    const before = await schemaOf();
    // A file without the schema: the stager's INSERT finds no clients table there.
    await assert.rejects(
      seededOn(load, { tenants: 1, scale: 2 }, stager, `${dir}/other.db`),
      /no such table: seed_target\.clients/,
    );
    assert.ok(before.length > 10);
    assert.deepEqual(await schemaOf(), before);
    const [keys] = await load.db.all<{ foreign_keys: number }>(sql`PRAGMA foreign_keys`);
    assert.equal(keys.foreign_keys, 1);
  } finally {
    await load.finish();
    await stager.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an agency's data depends on the seed and its number, not on how many there are", async () => {
  const rowsOfFirst = async (tenantCount: number) => {
    const { client, db } = await seeded({ tenants: tenantCount });
    const [first] = await db.select().from(tenants).orderBy(tenants.created_at).limit(1);
    const rows: unknown[] = [first];
    for (
      const table of [
        "users",
        "clients",
        "visa_applications",
        "tasks",
        "notifications",
        "audit_logs",
      ]
    ) {
      rows.push(
        ...(await db.all(
          sql.raw(`SELECT * FROM ${table} WHERE tenant_id = '${first.id}' ORDER BY id`),
        ))
          .map((row) => ({ ...(row as object), password_hash: undefined })),
      );
    }
    client.close();
    return rows;
  };
  assert.deepEqual(await rowsOfFirst(1), await rowsOfFirst(3));
});

Deno.test("scaled clients follow the same rules as the rest", async (t) => {
  const { client, db, summary } = await seeded({ tenants: 2, scale: 3 });
  const app = testAppOn(db, () => client.close());
  const reference = DEFAULT_REFERENCE_DATE.toISOString();

  await t.step("scale multiplies clients; every key resolves; ids are UUIDv7", async () => {
    assert.equal(summary.counts.clients, 2 * 52 * 3);
    assert.deepEqual(await db.all(sql`PRAGMA foreign_key_check`), []);
    const tables = await db.all<{ name: string }>(
      sql`SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE '__drizzle%' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'id')`,
    );
    for (const { name } of tables) {
      const ids = await db.all<{ id: string }>(sql.raw(`SELECT id FROM ${name}`));
      assert.ok(ids.every((r) => isUuid(r.id) && r.id[14] === "7"), name);
      const late = await count(
        db,
        `SELECT count(*) AS n FROM ${name} WHERE created_at > '${reference}'`,
      )
        .catch(() => 0);
      assert.equal(late, 0, `${name}: nothing is created after "now"`);
    }
    const temp = await count(db, `SELECT count(*) AS n FROM sqlite_temp_master`);
    assert.equal(temp, 0, "the generator's work tables are gone");
  });

  await t.step(
    "client_counts holds every branch's clients, and its triggers are back",
    async () => {
      const kept = await db.all(
        sql`SELECT tenant_id, branch_id, status, deleted, n FROM client_counts WHERE n > 0 ORDER BY 1, 2, 3, 4`,
      );
      const counted = await db.all(
        sql`SELECT tenant_id, branch_id, status, deleted_at IS NOT NULL AS deleted, count(*) AS n FROM clients GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      );
      assert.ok(counted.length > 10);
      assert.deepEqual(kept, counted);
      const triggers = await count(
        db,
        `SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'clients'`,
      );
      // client_counts' three and the search counter's three (migration 0016).
      assert.equal(triggers, 6);
      // The bulk load bypasses the triggers; its recount moves every agency's
      // search counter in their place (client-search.ts).
      const counters = async () =>
        new Map((await db.select().from(change_epochs)).map((e) => [e.name, e.n]));
      const before = await counters();
      for (const statement of RECOUNT_CLIENTS) await db.run(sql.raw(statement));
      const after = await counters();
      for (const { id } of await db.select({ id: tenants.id }).from(tenants)) {
        const name = `clients ${id}`;
        assert.ok(after.get(name)! > (before.get(name) ?? 0), name);
      }
    },
  );

  await t.step("a current passport is the client's passport", async () => {
    const mismatched = await count(
      db,
      `SELECT count(*) AS n FROM client_passports p JOIN clients c ON c.id = p.client_id
        WHERE p.is_current AND (p.passport_number IS NOT c.passport_number OR p.expiry_date IS NOT c.passport_expiry_date)`,
    );
    assert.equal(mismatched, 0);
    assert.equal(
      await count(
        db,
        `SELECT count(*) AS n FROM (SELECT client_id FROM client_passports WHERE is_current GROUP BY client_id HAVING count(*) > 1)`,
      ),
      0,
    );
  });

  await t.step("the latest granted visa is the client's current visa", async () => {
    const rows = await db.all<
      { current_visa: string; visa_expiry_date: string; name: string; expiry_date: string }
    >(
      sql`SELECT c.current_visa, c.visa_expiry_date, t.name, v.expiry_date FROM clients c
        JOIN visa_applications v ON v.id = (SELECT id FROM visa_applications WHERE client_id = c.id
          AND status = 'granted' ORDER BY decision_date DESC, updated_at DESC LIMIT 1)
        JOIN visa_types t ON t.id = v.visa_type_id`,
    );
    assert.ok(rows.length > 20);
    for (const row of rows) {
      assert.equal(row.current_visa, row.name);
      assert.equal(row.visa_expiry_date, row.expiry_date);
    }
  });

  await t.step("visa dates follow the status machine", async () => {
    const bad = await count(
      db,
      `SELECT count(*) AS n FROM visa_applications WHERE
        (status IN ('draft', 'preparing') AND (lodged_date IS NOT NULL OR decision_date IS NOT NULL))
        OR (status IN ('lodged', 'further_information_requested', 'granted', 'refused') AND lodged_date IS NULL)
        OR (status IN ('granted', 'refused') AND (decision_date IS NULL OR decision_date < lodged_date))
        OR (status = 'granted' AND (expiry_date IS NULL OR grant_number IS NULL))
        OR (status <> 'granted' AND (expiry_date IS NOT NULL OR grant_number IS NOT NULL))
        OR (status = 'further_information_requested' AND rfi_due_date IS NULL)
        OR lodged_date < substr(created_at, 1, 10)`,
    );
    assert.equal(bad, 0);
  });

  await t.step("English scores are inside each test's scale", async () => {
    const rows = await db.all<Record<string, number | string>>(
      sql`SELECT * FROM client_proficiencies`,
    );
    for (const r of rows) {
      const bands = [r.listening, r.reading, r.writing, r.speaking] as number[];
      if (String(r.test).startsWith("ielts")) {
        for (const b of [...bands, r.overall as number]) {
          assert.ok(b >= 0 && b <= 9 && b * 2 % 1 === 0);
        }
        assert.equal(r.overall, ieltsOverall(bands));
      } else if (r.test === "pte_academic") {
        for (const b of [...bands, r.overall as number]) {
          assert.ok(Number.isInteger(b) && b >= 10 && b <= 90);
        }
      } else {
        for (const b of bands) assert.ok(Number.isInteger(b) && b >= 0 && b <= 30);
        assert.equal(r.overall, bands.reduce((a, b) => a + b, 0));
      }
    }
  });

  await t.step("assignees work in the client's branch; stages belong to their type", async () => {
    const misplaced = await count(
      db,
      `SELECT count(*) AS n FROM clients c JOIN users u ON u.id = c.assigned_to JOIN branches b ON b.id = c.branch_id
        WHERE NOT (u.branch_id = c.branch_id OR (u.role = 'region_manager' AND u.region_id = b.region_id)
          OR u.role IN ('super_admin', 'country_manager'))`,
    );
    assert.equal(misplaced, 0);
    const stray = await count(
      db,
      `SELECT count(*) AS n FROM applications a JOIN application_stages s ON s.id = a.stage_id
        WHERE s.application_type_id <> a.application_type_id`,
    );
    assert.equal(stray, 0);
  });

  await t.step("a consultant's list holds its branch's scaled clients too", async () => {
    const places = await placesOf(db, 2);
    const token = await tokenOf(app, "consultant.b3.2@t2.leopard.test");
    const listed = await call(app, "GET", "/api/v1/clients?page_size=1", { token });
    assert.equal(
      listed.body.count,
      await count(
        db,
        `SELECT count(*) AS n FROM clients WHERE branch_id = '${
          places.branches[2]
        }' AND deleted_at IS NULL`,
      ),
    );
    const ordered = await call(app, "GET", "/api/v1/clients?page_size=100&ordering=-created_at", {
      token,
    });
    for (const row of results(ordered)) {
      assert.equal((await call(app, "GET", `/api/v1/clients/${row.id}`, { token })).status, 200);
    }
  });

  await t.step("the scheduled job finds nothing left to send", async () => {
    const result = await runScheduledNotifications(db, localHub(), DEFAULT_REFERENCE_DATE);
    assert.deepEqual(result.created, {
      reminder_due: 0,
      visa_expiry: 0,
      passport_expiry: 0,
      document_due: 0,
    });
    const sent = await count(
      db,
      `SELECT count(*) AS n FROM notifications WHERE dedupe_key IS NOT NULL`,
    );
    assert.ok(sent > 0, "the seed sent the scheduled notifications itself");
  });

  app.close();
});

/** Runs `deno task seed` as a subprocess against a database file. */
async function seedCli(env: Record<string, string>, ...args: string[]) {
  const root = new URL("../../", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "seed.ts", ...args],
    cwd: root,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** The `entity count` lines of the printed summary. */
function printedCounts(stdout: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, name, n] of stdout.matchAll(/^ {2}([a-z_]+) +([\d,]+)$/gm)) {
    if (name !== "total") counts[name] = Number(n.replaceAll(",", ""));
  }
  return counts;
}

Deno.test("deno task seed: seeds once, refuses a seeded database, --reset reseeds the same data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "leopard-seed-" });
  const file = `${dir}/seed.db`;
  const env = {
    DATABASE_URL: `file:${file}`,
    JWT_KEY_FILE: `${dir}/jwt.json`,
    FILES_DIR: `${dir}/files`,
    SEED_ADMIN_EMAIL: ADMIN.email,
    SEED_ADMIN_PASSWORD: ADMIN.password,
  };
  const open = async () => {
    const opened = await openLibsql({ url: `file:${file}` });
    return { ...opened, hash: await dumpHash(opened.db) };
  };
  try {
    const first = await seedCli(env, "--quiet");
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Seeded in [\d.]+ s\./);
    let db = await open();
    const printed = printedCounts(first.stdout);
    const counts = await tableCounts(db.db);
    assert.ok(Object.keys(printed).length >= 20);
    for (const [table, n] of Object.entries(printed)) assert.equal(counts[table], n, table);
    const seededHash = db.hash;

    // Each document's bytes were stored whole, by the seed's document thread.
    const documents = await db.db.all<{ storage_key: string; size: number; sha256: string }>(
      sql`SELECT storage_key, size, sha256 FROM document_files`,
    );
    assert.ok(documents.length > 100);
    for (const document of documents) {
      const bytes = await Deno.readFile(`${env.FILES_DIR}/${document.storage_key}`);
      assert.equal(bytes.length, document.size, document.storage_key);
      assert.equal(await sha256Hex(bytes), document.sha256, document.storage_key);
    }

    // The real CLI path hashes with the production scrypt cost; logins verify it.
    const app = testAppOn(db.db, () => db.client.close());
    await tokenOf(app, ADMIN.email, ADMIN.password);
    await tokenOf(app, "consultant.b2.1@t3.leopard.test");
    app.close();

    db = await open();
    const loggedInHash = db.hash;
    assert.notEqual(loggedInHash, seededHash, "logins changed last_login and sessions");
    db.client.close();
    const again = await seedCli(env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already has data .*nothing was changed[\s\S]*--reset/);
    db = await open();
    assert.equal(db.hash, loggedInHash, "a re-run without --reset changes nothing");
    const triggerNames = async () =>
      (await db.db.all<{ name: string }>(
        sql`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`,
      )).map((t) => t.name);
    const migrated = await triggerNames();
    const epochs = () => db.db.select().from(change_epochs).orderBy(change_epochs.name);
    const epochsBefore = await epochs();
    db.client.close();

    const reset = await seedCli(env, "--reset", "--quiet");
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /Wiped 3 tenants, 49 users/);
    db = await open();
    assert.equal(db.hash, seededHash, "--reset wipes everything and reseeds the same data");
    const [tenant] = await db.db.select().from(tenants).limit(1);
    assert.ok(tenant);
    // The wipe drops the triggers for its DELETEs and makes them again.
    assert.ok(
      migrated.includes("clients_count_insert") && migrated.includes("users_access_update"),
    );
    assert.deepEqual(await triggerNames(), migrated);
    // It moves the change counters rather than deleting them (change-epochs.ts).
    const epochsAfter = new Map((await epochs()).map((e) => [e.name, e.n]));
    assert.ok(epochsBefore.some((e) => e.name.startsWith("clients ")));
    for (const { name, n } of epochsBefore) assert.ok(epochsAfter.get(name)! > n, name);
    db.client.close();

    const bad = await seedCli(env, "--scale", "0");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--scale must be an integer/);
    const unknown = await seedCli(env, "--tenant", "2");
    assert.equal(unknown.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
