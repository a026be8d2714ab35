/**
 * Black-box tests of /api/v1/reminders: visible exactly where their client is,
 * the assignee default and checks, done and done_at, delete for branch_admin and
 * up, audit rows, list filters, ordering and paging, and the soft-deleted client.
 * @module
 */
import assert from "node:assert/strict";
import { and, count, sql } from "drizzle-orm";
import { reminders } from "../../db/schema/index.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import {
  asPlatform,
  assertError,
  auditOf,
  buildWorld,
  call,
  createTestApp,
  idsOf,
  type RequestOptions,
  type Res,
  results,
  scopeFor,
  sorted,
  tableCounts,
  tableScans,
  TENANT_A_ROLES,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/reminders";
const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000dead";

type Row = Record<string, unknown>;

function as(w: World, who: Who): RequestOptions {
  return { token: w.tokens[who] };
}

async function ok(res: Res | Promise<Res>, status = 200): Promise<Row> {
  const r = await res;
  assert.equal(r.status, status, r.text);
  return r.body;
}

async function createClient(t: TestApp, options: RequestOptions): Promise<Row> {
  return await ok(
    call(t, "POST", "/api/v1/clients", {
      ...options,
      body: { first_name: "Asha", last_name: "Karki" },
    }),
    201,
  );
}

async function createReminder(t: TestApp, options: RequestOptions, body: Row): Promise<Row> {
  return await ok(
    call(t, "POST", BASE, {
      ...options,
      body: { date: "2026-05-01", message: "Ask for the bank statement", ...body },
    }),
    201,
  );
}

Deno.test("reminders: visible exactly where their client is", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const client = await createClient(t, as(w, "consultant"));
  const reminder = await createReminder(t, as(w, "consultant"), { client_id: client.id });
  const path = `${BASE}/${reminder.id}`;

  await s.step(
    "every tenant-A role above or in the client's branch reads, edits and lists it",
    async () => {
      for (const who of TENANT_A_ROLES) {
        assert.equal((await call(t, "GET", path, as(w, who))).status, 200, who);
        assert.deepEqual(idsOf(await call(t, "GET", BASE, as(w, who))), [reminder.id], who);
        await ok(call(t, "PATCH", path, { ...as(w, who), body: { message: `seen by ${who}` } }));
      }
      await ok(call(t, "GET", path, asPlatform(w, w.tenantA.id)));
    },
  );

  await s.step(
    "another branch, another region, another tenant: 404 and an empty list",
    async () => {
      for (
        const who of [
          "consultantA1b",
          "branchAdminA1b",
          "regionManagerA2",
          "superAdminB",
          "consultantB",
        ] as const
      ) {
        assertError(await call(t, "GET", path, as(w, who)), 404, "not_found");
        assertError(await call(t, "PATCH", path, { ...as(w, who), body: { done: true } }), 404);
        assertError(await call(t, "DELETE", path, as(w, who)), 404);
        assert.deepEqual(idsOf(await call(t, "GET", BASE, as(w, who))), [], who);
      }
      assertError(await call(t, "GET", path, asPlatform(w, w.tenantB.id)), 404);
      assertError(await call(t, "GET", BASE, as(w, "platform")), 400, "tenant_required");
      assertError(await call(t, "GET", `${BASE}/nope`, as(w, "superAdmin")), 404);
      assertError(await call(t, "GET", `${BASE}/${UNKNOWN_ID}`, as(w, "superAdmin")), 404);
    },
  );

  await s.step("a soft-deleted client hides its reminders; restore brings them back", async () => {
    await ok(call(t, "DELETE", `/api/v1/clients/${client.id}`, as(w, "branchAdmin")), 204);
    for (const who of ["consultant", "superAdmin"] as const) {
      assertError(await call(t, "GET", path, as(w, who)), 404);
      assert.deepEqual(idsOf(await call(t, "GET", BASE, as(w, who))), []);
    }
    assertError(
      await call(t, "PATCH", path, { ...as(w, "consultant"), body: { done: true } }),
      404,
    );
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "POST", BASE, {
        ...as(w, "consultant"),
        body: { client_id: client.id, date: "2026-05-01", message: "x" },
      }),
      404,
    );
    assert.deepEqual(await tableCounts(t.db), before);
    await ok(call(t, "POST", `/api/v1/clients/${client.id}/restore`, as(w, "branchAdmin")));
    assert.equal((await call(t, "GET", path, as(w, "consultant"))).status, 200);
  });
  t.close();
});

Deno.test("reminders: the assignee defaults to a writer who covers the client's branch and is checked when named", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const client = await createClient(t, as(w, "consultant"));
  const clientA1b = await createClient(t, as(w, "consultantA1b"));
  const inB = await createClient(t, as(w, "consultantB"));
  const leaving = await ok(
    call(t, "POST", "/api/v1/users", {
      ...as(w, "branchAdmin"),
      body: {
        email: "leaving@test.example",
        password: "long-enough-password",
        first_name: "Lea",
        last_name: "Ving",
        role: "consultant",
        branch_id: w.branches.A1a.id,
      },
    }),
    201,
  );
  await ok(call(t, "DELETE", `/api/v1/users/${leaving.id}`, as(w, "branchAdmin")), 204);

  await s.step(
    "left out, the assignee is the writer; the platform admin covers no branch",
    async () => {
      for (const who of TENANT_A_ROLES) {
        const r = await createReminder(t, as(w, who), { client_id: client.id });
        assert.equal(r.assigned_to, w.users[who].id, who);
        assert.equal(r.created_by, w.users[who].id, who);
      }
      const byPlatform = await createReminder(t, asPlatform(w, w.tenantA.id), {
        client_id: client.id,
      });
      assert.equal(byPlatform.assigned_to, null);
      const none = await createReminder(t, as(w, "consultant"), {
        client_id: client.id,
        assigned_to: null,
      });
      assert.equal(none.assigned_to, null, "an explicit null is kept");
      const named = await createReminder(t, as(w, "branchAdmin"), {
        client_id: client.id,
        assigned_to: w.users.consultant.id,
      });
      assert.equal(named.assigned_to, w.users.consultant.id);
    },
  );

  await s.step(
    "client outside scope, of another tenant, unknown or missing: refused, nothing written",
    async () => {
      const before = await tableCounts(t.db);
      for (const client_id of [clientA1b.id, inB.id, UNKNOWN_ID, "nope"]) {
        assertError(
          await call(t, "POST", BASE, {
            ...as(w, "consultant"),
            body: { client_id, date: "2026-05-01", message: "x" },
          }),
          404,
          "not_found",
        );
      }
      assertError(
        await call(t, "POST", BASE, {
          ...as(w, "consultant"),
          body: { date: "2026-05-01", message: "x" },
        }),
        422,
      );
      assert.deepEqual(await tableCounts(t.db), before);
    },
  );

  await s.step(
    "a named assignee: outside scope 404, deactivated or not in the client's branch 422",
    async () => {
      const before = await tableCounts(t.db);
      const cases: [Who, string, number][] = [
        ["consultant", w.users.consultantA1b.id, 404],
        ["consultant", w.users.consultantB.id, 404],
        ["consultant", w.users.regionManager.id, 404],
        ["consultant", String(leaving.id), 422],
        ["regionManager", w.users.consultantA1b.id, 422],
      ];
      for (const [who, assigned_to, status] of cases) {
        assertError(
          await call(t, "POST", BASE, {
            ...as(w, who),
            body: { client_id: client.id, date: "2026-05-01", message: "x", assigned_to },
          }),
          status,
        );
      }
      const reminder = await createReminder(t, as(w, "consultant"), { client_id: client.id });
      const mid = await tableCounts(t.db);
      for (const [who, assigned_to, status] of cases) {
        assertError(
          await call(t, "PATCH", `${BASE}/${reminder.id}`, {
            ...as(w, who),
            body: { assigned_to },
          }),
          status,
        );
      }
      assert.deepEqual(await tableCounts(t.db), mid);
      assert.equal(mid.reminders, before.reminders + 1);
      const reassigned = await ok(
        call(t, "PATCH", `${BASE}/${reminder.id}`, {
          ...as(w, "regionManager"),
          body: { assigned_to: w.users.branchAdmin.id },
        }),
      );
      assert.equal(reassigned.assigned_to, w.users.branchAdmin.id);
      const cleared = await ok(
        call(t, "PATCH", `${BASE}/${reminder.id}`, {
          ...as(w, "consultant"),
          body: { assigned_to: null },
        }),
      );
      assert.equal(cleared.assigned_to, null);
    },
  );
  t.close();
});

Deno.test("reminders: done, bad input, audit and delete", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const client = await createClient(t, as(w, "consultant"));
  const token = as(w, "consultant");
  const created = await call(t, "POST", BASE, {
    ...token,
    body: { client_id: client.id, date: "2026-05-01", message: "  Call about the COE  " },
  });
  const reminder = created.body;
  const path = `${BASE}/${reminder.id}`;

  await s.step("a new reminder is not done; the whole row is audited as after", async () => {
    assert.equal(created.status, 201, created.text);
    assert.equal(reminder.message, "Call about the COE");
    assert.equal(reminder.done, false);
    assert.equal(reminder.done_at, null);
    assert.deepEqual(await ok(call(t, "GET", path, token)), reminder);
    const [entry, ...rest] = await auditOf(t, created);
    assert.equal(rest.length, 0);
    assert.equal(entry.action, "create");
    assert.equal(entry.entity_type, "reminder");
    assert.deepEqual(entry.after, reminder);
  });

  await s.step(
    "done: true sets done_at and is audited with only the changed fields; false clears it",
    async () => {
      t.advance(1000);
      const res = await call(t, "PATCH", path, {
        ...token,
        body: { done: true, message: "Call about the COE" },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.done, true);
      assert.match(String(res.body.done_at), /^\d{4}-\d{2}-\d{2}T.*Z$/);
      const [entry] = await auditOf(t, res);
      assert.equal(entry.action, "update");
      assert.deepEqual(entry.before, { done: false, done_at: null });
      assert.deepEqual(entry.after, { done: true, done_at: res.body.done_at });
      const again = await call(t, "PATCH", path, { ...token, body: { done: true } });
      assert.equal(again.body.done_at, res.body.done_at, "staying done keeps the first instant");
      assert.deepEqual(await auditOf(t, again), [], "a PATCH that changes nothing writes nothing");
      const undone = await ok(call(t, "PATCH", path, { ...token, body: { done: false } }));
      assert.equal(undone.done_at, null);
      const stored = await ok(call(t, "GET", path, token));
      assert.equal(stored.done, false);
      assert.equal(stored.done_at, null);
      const createdDone = await createReminder(t, token, { client_id: client.id, done: true });
      assert.equal(createdDone.done_at, createdDone.created_at);
    },
  );

  await s.step("bad bodies are 422 and write nothing", async () => {
    const before = await tableCounts(t.db);
    const badCreates: Row[] = [
      { client_id: client.id, message: "x" },
      { client_id: client.id, date: "2026-02-30", message: "x" },
      { client_id: client.id, date: "01/05/2026", message: "x" },
      { client_id: client.id, date: "2026-05-01", message: "  " },
      { client_id: client.id, date: "2026-05-01" },
      { client_id: client.id, date: "2026-05-01", message: "x".repeat(2001) },
      { client_id: client.id, date: "2026-05-01", message: "x", done: "yes" },
      { client_id: client.id, date: "2026-05-01", message: "x", done_at: "2026-05-01T00:00:00Z" },
      { client_id: "", date: "2026-05-01", message: "x" },
    ];
    for (const body of badCreates) {
      assertError(await call(t, "POST", BASE, { ...token, body }), 422, "validation_error");
    }
    for (
      const body of [{ client_id: client.id }, { date: null }, { message: "" }, { done: 1 }, {
        tenant_id: w.tenantB.id,
      }]
    ) {
      assertError(await call(t, "PATCH", path, { ...token, body }), 422, "validation_error");
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step(
    "delete: 403 for a consultant, branch_admin and up delete for good with the row audited",
    async () => {
      const before = await tableCounts(t.db);
      assertError(await call(t, "DELETE", path, token), 403, "forbidden");
      assert.deepEqual(await tableCounts(t.db), before);
      const stored = await ok(call(t, "GET", path, token));
      const res = await call(t, "DELETE", path, as(w, "branchAdmin"));
      assert.equal(res.status, 204, res.text);
      const [entry, ...rest] = await auditOf(t, res);
      assert.equal(rest.length, 0);
      assert.equal(entry.action, "delete");
      assert.deepEqual(entry.before, stored);
      assertError(await call(t, "GET", path, as(w, "superAdmin")), 404);
      assert.equal((await tableCounts(t.db)).reminders, before.reminders - 1);
      for (
        const options of [as(w, "regionManager"), as(w, "superAdmin"), asPlatform(w, w.tenantA.id)]
      ) {
        const doomed = await createReminder(t, token, { client_id: client.id });
        assert.equal((await call(t, "DELETE", `${BASE}/${doomed.id}`, options)).status, 204);
      }
    },
  );
  t.close();
});

Deno.test("reminders: list filters, ordering and both paging modes", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const first = await createClient(t, as(w, "consultant"));
  const second = await createClient(t, as(w, "branchAdmin"));
  const other = await createClient(t, as(w, "consultantA1b"));
  const admin = as(w, "superAdmin");
  const specs: [Who, Row][] = [
    ["consultant", { client_id: first.id, date: "2026-05-10" }],
    ["consultant", { client_id: second.id, date: "2026-05-01", done: true }],
    ["branchAdmin", { client_id: first.id, date: "2026-06-01" }],
    ["consultantA1b", { client_id: other.id, date: "2026-05-05" }],
    ["superAdmin", { client_id: first.id, date: "2026-05-01", assigned_to: null }],
  ];
  const made: Row[] = [];
  for (const [who, body] of specs) {
    t.advance(1000);
    made.push(await createReminder(t, as(w, who), body));
  }
  const [may10, may1done, jun1, may5other, may1none] = made;
  const list = async (query: string, options = admin) =>
    idsOf(await call(t, "GET", `${BASE}?page_size=100&${query}`, options));
  const ids = (...rows: Row[]) => sorted(...rows.map((r) => String(r.id)));

  await s.step("filters: done, assignee (also me), client, date range", async () => {
    assert.deepEqual(await list("done=true"), ids(may1done));
    assert.deepEqual(await list("done=false"), ids(may10, jun1, may5other, may1none));
    assert.deepEqual(await list(`assigned_to=${w.users.consultant.id}`), ids(may10, may1done));
    assert.deepEqual(await list("assigned_to=me", as(w, "consultant")), ids(may10, may1done));
    assert.deepEqual(await list("assigned_to=me", as(w, "branchAdmin")), ids(jun1));
    assert.deepEqual(await list(`client_id=${first.id}`), ids(may10, jun1, may1none));
    assert.deepEqual(await list("date_before=2026-05-05"), ids(may1done, may5other, may1none));
    assert.deepEqual(
      await list("date_after=2026-05-05&date_before=2026-05-10"),
      ids(may10, may5other),
    );
  });

  await s.step("filters never widen the scope", async () => {
    assert.deepEqual(await list(`client_id=${other.id}`, as(w, "consultant")), []);
    assert.deepEqual(
      await list(`assigned_to=${w.users.consultantA1b.id}`, as(w, "consultant")),
      [],
    );
    assert.deepEqual(await list("", as(w, "consultant")), ids(may10, may1done, jun1, may1none));
  });

  await s.step(
    "ordering: soonest date first by default (ties by id), -date, created_at",
    async () => {
      const order = async (query: string) =>
        results(await call(t, "GET", `${BASE}?page_size=100&${query}`, admin)).map((r) => r.id);
      const mayFirst = [may1done.id, may1none.id];
      assert.deepEqual(await order(""), [...mayFirst, may5other.id, may10.id, jun1.id]);
      assert.deepEqual(await order("ordering=-date"), [
        jun1.id,
        may10.id,
        may5other.id,
        ...mayFirst.reverse(),
      ]);
      assert.deepEqual(await order("ordering=created_at"), made.map((r) => r.id));
      assert.deepEqual(await order("ordering=-created_at"), [...made].reverse().map((r) => r.id));
    },
  );

  await s.step("page and cursor modes walk the same rows", async () => {
    const page = await call(t, "GET", `${BASE}?page_size=2`, admin);
    assert.equal(page.body.count, 5);
    assert.equal(results(page).length, 2);
    for (const ordering of ["date", "-date", "created_at"]) {
      const full = results(
        await call(t, "GET", `${BASE}?page_size=100&ordering=${ordering}`, admin),
      )
        .map((r) => r.id);
      const walked: unknown[] = [];
      let next: string | null = `${BASE}?cursor=&page_size=2&ordering=${ordering}`;
      while (next) {
        const res: Res = await call(t, "GET", next, admin);
        assert.equal(res.body.count, null);
        walked.push(...results(res).map((r) => r.id));
        const link = res.body.next as string | null;
        next = link ? `${new URL(link).pathname}${new URL(link).search}` : null;
      }
      assert.deepEqual(walked, full, ordering);
    }
  });

  await s.step("bad query values are 422", async () => {
    for (
      const query of [
        "done=yes",
        "date_before=2026-02-30",
        "date_after=May",
        "ordering=message",
        "page_size=0",
      ]
    ) {
      assertError(await call(t, "GET", `${BASE}?${query}`, admin), 422, "validation_error");
    }
  });

  await s.step("the consultant's list and count are served by indexes", async () => {
    const db = t.db;
    const where = clientRowsInScope(scopeFor(w, "consultant"), reminders, db);
    const scans = await tableScans(db, "reminders", [
      [
        "list",
        db.select().from(reminders).where(where).orderBy(reminders.date, reminders.id).limit(26),
      ],
      [
        "count",
        db.select({ n: count() }).from(reminders).where(and(where, sql`${reminders.done} = 0`)),
      ],
    ]);
    assert.deepEqual(scans, []);
  });
  t.close();
});
