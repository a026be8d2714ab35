/**
 * Black-box tests of /api/v1/applications: visible exactly when the client is,
 * body ids resolved in the writer's scope, stages of the application's own type
 * (defaulting to the first), racing moves, bad input, filters, search, ordering
 * and cursor paging, delete rights, audit rows, the soft-deleted client, and the
 * indexes the list queries use.
 * @module
 */
import assert from "node:assert/strict";
import { and, asc, count, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { applications } from "../../db/schema/index.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import {
  allAudit,
  asPlatform,
  assertError,
  beforeNextBatch,
  buildWorld,
  call,
  countRows,
  createTestApp,
  idsOf,
  newAudit,
  type RequestOptions,
  results,
  sorted,
  tableCounts,
  tableScans,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/applications";
const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000dead";

type Row = Record<string, unknown>;

function as(w: World, who: Who): RequestOptions {
  return { token: w.tokens[who] };
}

async function create(t: TestApp, path: string, options: RequestOptions, body: Row) {
  const res = await call(t, "POST", path, { ...options, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** The stored application as the API answers it: the row and its checklist's counts. */
async function applicationRow(t: TestApp, id: unknown): Promise<Row | undefined> {
  const rows = await t.db.all<Row>(sql`SELECT * FROM applications WHERE id = ${String(id)}`);
  if (!rows[0]) return undefined;
  const [documents] = await t.db.all<Row>(sql`SELECT
    coalesce(sum(required = 1 AND status <> 'waived'), 0) AS required,
    coalesce(sum(required = 1 AND status IN ('received', 'verified')), 0) AS received,
    coalesce(sum(required = 1 AND status = 'verified'), 0) AS verified
    FROM checklist_items WHERE application_id = ${String(id)} AND deleted_at IS NULL`);
  return { ...rows[0], documents };
}

/** What an audit entry holds of an answer: the row, without the counts answers add. */
const asStored = ({ documents: _counts, ...row }: Row) => row;

/** A path relative to the app from an absolute `next` link. */
function relative(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/**
 * Reference data and clients: types UNI (stages Offer at 2, Documents at 1 added
 * later, CoE) and VET (Enquiry), EMPTY (no stages); tenant B's type and stage;
 * one client in each of A1a, A1b, A2a and B1a.
 */
async function setUp(t: TestApp, w: World) {
  const admin = as(w, "superAdmin");
  const type = (body: Row) => create(t, "/api/v1/application-types", admin, body);
  const stage = (options: RequestOptions, body: Row) =>
    create(t, "/api/v1/application-stages", options, body);
  const uni = await type({ name: "University admission", code: "UNI" });
  const vet = await type({ name: "VET admission", code: "VET" });
  const empty = await type({ name: "Skills assessment", code: "SKILLS" });
  const offer = await stage(admin, { application_type_id: uni.id, name: "Offer", position: 2 });
  const documents = await stage(admin, {
    application_type_id: uni.id,
    name: "Documents",
    position: 1,
  });
  const coe = await stage(admin, { application_type_id: uni.id, name: "CoE" });
  const enquiry = await stage(admin, { application_type_id: vet.id, name: "Enquiry" });
  const typeB = await create(t, "/api/v1/application-types", as(w, "superAdminB"), {
    name: "University admission",
    code: "UNI",
  });
  const stageB = await stage(as(w, "superAdminB"), {
    application_type_id: typeB.id,
    name: "Offer",
  });
  const client = (who: Who, last: string) =>
    create(t, "/api/v1/clients", as(w, who), { first_name: "Asha", last_name: last });
  return {
    uni,
    vet,
    empty,
    offer,
    documents,
    coe,
    enquiry,
    typeB,
    stageB,
    clientA1a: await client("consultant", "InA1a"),
    clientA1b: await client("consultantA1b", "InA1b"),
    clientA2a: await client("consultantA2a", "InA2a"),
    clientB: await client("consultantB", "InB"),
  };
}

Deno.test("applications: created for a client in scope, at the type's first stage", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const options = as(w, "consultant");

  await s.step("a consultant's application starts active at the lowest position", async () => {
    const audit = await allAudit(t);
    const app = await create(t, BASE, options, {
      client_id: d.clientA1a.id,
      application_type_id: d.uni.id,
      institution: "University of Melbourne",
      course: "Master of IT",
      intake: "2027-02",
      assigned_to: w.users.consultant.id,
    });
    assert.equal(app.stage_id, d.documents.id, "Documents (position 1) though added after Offer");
    assert.equal(app.status, "active");
    assert.equal(app.tenant_id, w.tenantA.id);
    assert.equal(app.created_by, w.users.consultant.id);
    assert.equal(app.notes, "");
    assert.deepEqual(await applicationRow(t, app.id), app);
    const entries = await newAudit(t, audit);
    assert.deepEqual(entries.map((e) => [e.action, e.entity_type, e.entity_id]), [
      ["create", "application", app.id],
    ]);
    assert.deepEqual(entries[0].after, asStored(app));
  });

  await s.step("a named stage of the type and status are kept; intake may be omitted", async () => {
    const app = await create(t, BASE, options, {
      client_id: d.clientA1a.id,
      application_type_id: d.uni.id,
      stage_id: d.coe.id,
      status: "on_hold",
    });
    assert.equal(app.stage_id, d.coe.id);
    assert.equal(app.status, "on_hold");
    assert.equal(app.intake, null);
    assert.equal(app.assigned_to, null);
  });

  await s.step("a type without stages gives an application without a stage", async () => {
    const app = await create(t, BASE, options, {
      client_id: d.clientA1a.id,
      application_type_id: d.empty.id,
    });
    assert.equal(app.stage_id, null);
  });

  await s.step("a stage of another type is 422 on stage_id, nothing written", async () => {
    const before = await tableCounts(t.db);
    const res = await call(t, "POST", BASE, {
      ...options,
      body: { client_id: d.clientA1a.id, application_type_id: d.uni.id, stage_id: d.enquiry.id },
    });
    assertError(res, 422, "validation_error");
    assert.deepEqual((res.body.details as { path: string[] }[])[0].path, ["stage_id"]);
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("every role of the tenant and the platform admin creates in scope", async () => {
    const creators: [string, RequestOptions, string][] = [
      ["superAdmin", as(w, "superAdmin"), w.users.superAdmin.id],
      ["countryManager", as(w, "countryManager"), w.users.countryManager.id],
      ["regionManager", as(w, "regionManager"), w.users.regionManager.id],
      ["branchAdmin", as(w, "branchAdmin"), w.users.branchAdmin.id],
      ["platform", asPlatform(w, w.tenantA.id), w.users.platform.id],
    ];
    for (const [name, opts, userId] of creators) {
      const res = await call(t, "POST", BASE, {
        ...opts,
        body: { client_id: d.clientA1a.id, application_type_id: d.vet.id },
      });
      assert.equal(res.status, 201, `${name}: ${res.text}`);
      assert.equal(res.body.created_by, userId);
      assert.equal(res.body.stage_id, d.enquiry.id);
    }
    assertError(
      await call(t, "POST", BASE, {
        ...as(w, "platform"),
        body: { client_id: d.clientA1a.id, application_type_id: d.vet.id },
      }),
      400,
      "tenant_required",
    );
  });

  t.close();
});

Deno.test("applications: visible exactly where the client is", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const make = (who: Who, client: Row, typeId: unknown) =>
    create(t, BASE, as(w, who), { client_id: client.id, application_type_id: typeId });
  const aA1a = await make("consultant", d.clientA1a, d.uni.id);
  const aA1b = await make("consultantA1b", d.clientA1b, d.uni.id);
  const aA2a = await make("consultantA2a", d.clientA2a, d.vet.id);
  const aB = await make("consultantB", d.clientB, d.typeB.id);

  await s.step("each role lists exactly the applications of its clients", async () => {
    const expected: [Who, Row[]][] = [
      ["superAdmin", [aA1a, aA1b, aA2a]],
      ["countryManager", [aA1a, aA1b, aA2a]],
      ["regionManager", [aA1a, aA1b]],
      ["regionManagerA2", [aA2a]],
      ["branchAdmin", [aA1a]],
      ["consultant", [aA1a]],
      ["branchAdminA1b", [aA1b]],
      ["consultantA2a", [aA2a]],
      ["superAdminB", [aB]],
      ["consultantB", [aB]],
    ];
    for (const [who, rows] of expected) {
      const res = await call(t, "GET", BASE, as(w, who));
      assert.deepEqual(idsOf(res), sorted(...rows.map((r) => String(r.id))), who);
      assert.equal(res.body.count, rows.length, who);
      for (const row of rows) {
        assert.equal((await call(t, "GET", `${BASE}/${row.id}`, as(w, who))).status, 200, who);
      }
    }
    assert.deepEqual(idsOf(await call(t, "GET", BASE, asPlatform(w, w.tenantB.id))), [
      String(aB.id),
    ]);
    assertError(await call(t, "GET", BASE, as(w, "platform")), 400, "tenant_required");
  });

  await s.step("outside the scope GET, PATCH and DELETE are 404 and change nothing", async () => {
    const outside: [string, RequestOptions, Row[]][] = [
      ["consultant", as(w, "consultant"), [aA1b, aA2a, aB]],
      ["branchAdmin", as(w, "branchAdmin"), [aA1b, aA2a, aB]],
      ["regionManager", as(w, "regionManager"), [aA2a, aB]],
      ["regionManagerA2", as(w, "regionManagerA2"), [aA1a, aA1b]],
      ["countryManager", as(w, "countryManager"), [aB]],
      ["superAdminB", as(w, "superAdminB"), [aA1a, aA1b, aA2a]],
      ["platform in B", asPlatform(w, w.tenantB.id), [aA1a]],
    ];
    const audit = await allAudit(t);
    for (const [name, opts, rows] of outside) {
      for (const row of rows) {
        const path = `${BASE}/${row.id}`;
        assertError(await call(t, "GET", path, opts), 404, "not_found");
        assertError(await call(t, "PATCH", path, { ...opts, body: { notes: name } }), 404);
        assertError(await call(t, "DELETE", path, opts), 404);
      }
    }
    for (const row of [aA1a, aA1b, aA2a, aB]) {
      assert.deepEqual(await applicationRow(t, row.id), row);
    }
    assert.deepEqual(await newAudit(t, audit), []);
  });

  await s.step("an unknown or malformed id is 404", async () => {
    for (const id of [UNKNOWN_ID, "not-a-uuid"]) {
      const opts = as(w, "superAdmin");
      assertError(await call(t, "GET", `${BASE}/${id}`, opts), 404);
      assertError(await call(t, "PATCH", `${BASE}/${id}`, { ...opts, body: { notes: "x" } }), 404);
      assertError(await call(t, "DELETE", `${BASE}/${id}`, opts), 404);
    }
  });

  await s.step("filters cannot reach another branch's applications", async () => {
    const opts = as(w, "consultant");
    for (
      const query of [
        `client_id=${d.clientA1b.id}`,
        `assigned_to=${w.users.consultantA1b.id}`,
        `application_type_id=${d.vet.id}`,
        `application_type_id=${d.typeB.id}`,
        `stage_id=${d.stageB.id}`,
      ]
    ) {
      assert.equal((await call(t, "GET", `${BASE}?${query}`, opts)).body.count, 0, query);
    }
  });

  await s.step("every role edits in its scope; the platform admin too", async () => {
    const editors: [string, RequestOptions, string][] = [
      ["superAdmin", as(w, "superAdmin"), w.users.superAdmin.id],
      ["countryManager", as(w, "countryManager"), w.users.countryManager.id],
      ["regionManager", as(w, "regionManager"), w.users.regionManager.id],
      ["branchAdmin", as(w, "branchAdmin"), w.users.branchAdmin.id],
      ["consultant", as(w, "consultant"), w.users.consultant.id],
      ["platform", asPlatform(w, w.tenantA.id), w.users.platform.id],
    ];
    for (const [name, opts, userId] of editors) {
      const res = await call(t, "PATCH", `${BASE}/${aA1a.id}`, {
        ...opts,
        body: { notes: `by ${name}` },
      });
      assert.equal(res.status, 200, `${name}: ${res.text}`);
      const row = await applicationRow(t, aA1a.id);
      assert.equal(row?.notes, `by ${name}`);
      assert.equal(row?.updated_by, userId);
    }
  });

  await s.step("a consultant cannot delete (403); a branch admin can, audited", async () => {
    const before = await tableCounts(t.db);
    assertError(await call(t, "DELETE", `${BASE}/${aA1a.id}`, as(w, "consultant")), 403);
    assert.deepEqual(await tableCounts(t.db), before);
    const stored = await applicationRow(t, aA1a.id);
    const audit = await allAudit(t);
    assert.equal((await call(t, "DELETE", `${BASE}/${aA1a.id}`, as(w, "branchAdmin"))).status, 204);
    assert.equal(await applicationRow(t, aA1a.id), undefined);
    const entries = await newAudit(t, audit);
    assert.deepEqual(entries.map((e) => [e.action, e.entity_type, e.entity_id]), [
      ["delete", "application", aA1a.id],
    ]);
    assert.deepEqual(entries[0].before, asStored(stored!));
    assert.equal(
      (await call(t, "DELETE", `${BASE}/${aA2a.id}`, asPlatform(w, w.tenantA.id))).status,
      204,
    );
    assert.equal(
      (await call(t, "DELETE", `${BASE}/${aA1b.id}`, as(w, "regionManager"))).status,
      204,
    );
  });

  t.close();
});

Deno.test("applications: ids in the body cannot reach outside the writer's scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const app = await create(t, BASE, as(w, "consultant"), {
    client_id: d.clientA1a.id,
    application_type_id: d.uni.id,
  });
  const original = await applicationRow(t, app.id);

  /** Every attempt must fail with `status` and leave the data as it was. */
  const refused = async (status: number, attempts: [Who, "POST" | "PATCH", Row][]) => {
    const before = await tableCounts(t.db);
    for (const [who, method, body] of attempts) {
      const path = method === "POST" ? BASE : `${BASE}/${app.id}`;
      assertError(await call(t, method, path, { ...as(w, who), body }), status);
    }
    assert.deepEqual(await tableCounts(t.db), before);
    assert.deepEqual(await applicationRow(t, app.id), original);
  };
  const forA1a = (extra: Row) => ({
    client_id: d.clientA1a.id,
    application_type_id: d.uni.id,
    ...extra,
  });

  await s.step("a client of another branch, region or tenant is 404", async () => {
    await refused(404, [
      ["consultant", "POST", forA1a({ client_id: d.clientA1b.id })],
      ["branchAdmin", "POST", forA1a({ client_id: d.clientA2a.id })],
      ["regionManager", "POST", forA1a({ client_id: d.clientA2a.id })],
      ["superAdmin", "POST", forA1a({ client_id: d.clientB.id })],
      ["consultant", "POST", forA1a({ client_id: UNKNOWN_ID })],
    ]);
  });

  await s.step("another tenant's type or stage is 404", async () => {
    await refused(404, [
      ["consultant", "POST", forA1a({ application_type_id: d.typeB.id })],
      ["superAdmin", "POST", forA1a({ stage_id: d.stageB.id })],
      ["consultant", "PATCH", { application_type_id: d.typeB.id }],
      ["consultant", "PATCH", { stage_id: d.stageB.id }],
      ["consultant", "PATCH", { stage_id: UNKNOWN_ID }],
      ["consultant", "PATCH", { application_type_id: "not-a-uuid" }],
    ]);
  });

  await s.step("assigned_to a user outside the writer's scope is 404", async () => {
    await refused(404, [
      ["consultant", "POST", forA1a({ assigned_to: w.users.consultantA1b.id })],
      ["consultant", "PATCH", { assigned_to: w.users.regionManager.id }],
      ["regionManager", "PATCH", { assigned_to: w.users.consultantA2a.id }],
      ["superAdmin", "PATCH", { assigned_to: w.users.consultantB.id }],
      ["superAdmin", "PATCH", { assigned_to: UNKNOWN_ID }],
    ]);
  });

  await s.step("an assignee in scope who does not work in the client's branch is 422", async () => {
    await refused(422, [
      ["regionManager", "POST", forA1a({ assigned_to: w.users.consultantA1b.id })],
      ["superAdmin", "PATCH", { assigned_to: w.users.consultantA2a.id }],
      ["superAdmin", "PATCH", { assigned_to: w.users.regionManagerA2.id }],
    ]);
    const ok = await call(t, "PATCH", `${BASE}/${app.id}`, {
      ...as(w, "superAdmin"),
      body: { assigned_to: w.users.regionManager.id },
    });
    assert.equal(ok.status, 200, "a region manager covers its region's branches");
  });

  t.close();
});

Deno.test("applications: stages follow the type; moves are guarded and audited", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const options = as(w, "consultant");
  const app = await create(t, BASE, options, {
    client_id: d.clientA1a.id,
    application_type_id: d.uni.id,
  });
  const path = `${BASE}/${app.id}`;
  const patch = (body: Row, opts = options) => call(t, "PATCH", path, { ...opts, body });

  await s.step("a stage of the type moves it, audited with the stage only", async () => {
    const audit = await allAudit(t);
    const res = await patch({ stage_id: d.offer.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.stage_id, d.offer.id);
    assert.equal(res.body.updated_by, w.users.consultant.id);
    const [entry] = await newAudit(t, audit);
    assert.equal(entry.action, "update");
    assert.deepEqual(entry.before, { stage_id: d.documents.id });
    assert.deepEqual(entry.after, { stage_id: d.offer.id });
  });

  await s.step("a stage of another type is 422 on stage_id; nothing written", async () => {
    const before = await tableCounts(t.db);
    const stored = await applicationRow(t, app.id);
    const res = await patch({ stage_id: d.enquiry.id });
    assertError(res, 422, "validation_error");
    assert.deepEqual((res.body.details as { path: string[] }[])[0].path, ["stage_id"]);
    assertError(await patch({ application_type_id: d.vet.id, stage_id: d.coe.id }), 422);
    assert.deepEqual(await tableCounts(t.db), before);
    assert.deepEqual(await applicationRow(t, app.id), stored);
  });

  await s.step("a new type alone resets the stage to that type's first", async () => {
    const audit = await allAudit(t);
    const res = await patch({ application_type_id: d.vet.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.stage_id, d.enquiry.id);
    const [entry] = await newAudit(t, audit);
    assert.deepEqual(entry.before, { application_type_id: d.uni.id, stage_id: d.offer.id });
    assert.deepEqual(entry.after, { application_type_id: d.vet.id, stage_id: d.enquiry.id });
  });

  await s.step("a new type with a stage of it in the same PATCH takes that stage", async () => {
    const res = await patch({ application_type_id: d.uni.id, stage_id: d.coe.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.application_type_id, d.uni.id);
    assert.equal(res.body.stage_id, d.coe.id);
    const empty = await patch({ application_type_id: d.empty.id });
    assert.equal(empty.body.stage_id, null, "a type without stages leaves no stage");
    assert.equal((await patch({ application_type_id: d.uni.id })).body.stage_id, d.documents.id);
  });

  await s.step("status, institution, intake and notes change together, audited", async () => {
    const audit = await allAudit(t);
    const res = await patch({
      status: "completed",
      institution: "Monash University",
      intake: "2027-07",
      notes: "Enrolled",
    });
    assert.equal(res.status, 200, res.text);
    const [entry] = await newAudit(t, audit);
    assert.deepEqual(entry.before, { institution: "", intake: null, status: "active", notes: "" });
    assert.deepEqual(entry.after, {
      institution: "Monash University",
      intake: "2027-07",
      status: "completed",
      notes: "Enrolled",
    });
    assert.deepEqual(await applicationRow(t, app.id), res.body);
  });

  await s.step("a PATCH that changes nothing writes nothing", async () => {
    const stored = await applicationRow(t, app.id);
    const before = await tableCounts(t.db);
    const res = await patch({ status: "completed", stage_id: stored?.stage_id, notes: "Enrolled" });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, stored);
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("a stage move is refused (409) when another lands after its read", async () => {
    const readAt = (await applicationRow(t, app.id))?.stage_id;
    let competing: Awaited<ReturnType<typeof call>> | undefined;
    beforeNextBatch(t, async () => {
      competing = await patch({ stage_id: d.coe.id }, as(w, "branchAdmin"));
    });
    const res = await patch({ stage_id: d.offer.id });
    assert.equal(competing?.status, 200, competing?.text);
    assertError(res, 409, "conflict");
    assert.notEqual(readAt, d.coe.id);
    assert.equal((await applicationRow(t, app.id))?.stage_id, d.coe.id, "the first move stays");
  });

  await s.step(
    "a status change is refused (409) when a stage move lands after its read",
    async () => {
      beforeNextBatch(t, () => patch({ stage_id: d.documents.id }, as(w, "branchAdmin")));
      assertError(await patch({ status: "withdrawn" }), 409, "conflict");
      const row = await applicationRow(t, app.id);
      assert.equal(row?.status, "completed");
      assert.equal(row?.stage_id, d.documents.id);
    },
  );

  await s.step("an edit of other fields and a racing move both land", async () => {
    beforeNextBatch(t, () => patch({ stage_id: d.offer.id }, as(w, "branchAdmin")));
    const noted = await patch({ notes: "Called the university" });
    assert.equal(noted.status, 200, noted.text);
    const row = await applicationRow(t, app.id);
    assert.equal(row?.stage_id, d.offer.id, "only the changed fields are written");
    assert.equal(row?.notes, "Called the university");
  });

  await s.step("a stage deleted after the read is a 409, not a broken reference", async () => {
    const spare = await create(t, "/api/v1/application-stages", as(w, "superAdmin"), {
      application_type_id: d.uni.id,
      name: "Spare",
    });
    const before = await tableCounts(t.db);
    beforeNextBatch(
      t,
      () => call(t, "DELETE", `/api/v1/application-stages/${spare.id}`, as(w, "superAdmin")),
    );
    assertError(await patch({ stage_id: spare.id }), 409, "conflict");
    assert.equal((await applicationRow(t, app.id))?.stage_id, d.offer.id);
    const after = await tableCounts(t.db);
    assert.equal(after.application_stages, before.application_stages - 1);
    assert.equal(after.applications, before.applications);
  });

  await s.step(
    "a client deleted after the read takes its new application with it (404)",
    async () => {
      const before = await countRows(t.db, "applications");
      beforeNextBatch(
        t,
        () => call(t, "DELETE", `/api/v1/clients/${d.clientA1a.id}`, as(w, "branchAdmin")),
      );
      assertError(
        await call(t, "POST", BASE, {
          ...options,
          body: { client_id: d.clientA1a.id, application_type_id: d.uni.id },
        }),
        404,
        "not_found",
      );
      assert.equal(await countRows(t.db, "applications"), before);
    },
  );

  t.close();
});

Deno.test("applications: bad input is 422 with nothing written", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const options = as(w, "consultant");
  const app = await create(t, BASE, options, {
    client_id: d.clientA1a.id,
    application_type_id: d.uni.id,
  });
  const valid = { client_id: d.clientA1a.id, application_type_id: d.uni.id };

  await s.step("create and update bodies", async () => {
    const before = await tableCounts(t.db);
    const stored = await applicationRow(t, app.id);
    const attempts: ["POST" | "PATCH", Row][] = [
      ["POST", { application_type_id: d.uni.id }],
      ["POST", { client_id: d.clientA1a.id }],
      ["POST", { ...valid, intake: "2027-13" }],
      ["POST", { ...valid, intake: "2027-2" }],
      ["POST", { ...valid, intake: "2027-02-01" }],
      ["POST", { ...valid, status: "granted" }],
      ["POST", { ...valid, stage_id: "" }],
      ["POST", { ...valid, stage_id: null }],
      ["POST", { ...valid, institution: "x".repeat(201) }],
      ["POST", { ...valid, notes: "x".repeat(5001) }],
      ["POST", { ...valid, tenant_id: w.tenantB.id }],
      ["PATCH", { client_id: d.clientA1b.id }],
      ["PATCH", { status: "lodged" }],
      ["PATCH", { intake: 202702 }],
      ["PATCH", { course: 42 }],
      ["PATCH", { created_by: w.users.superAdmin.id }],
    ];
    for (const [method, body] of attempts) {
      const path = method === "POST" ? BASE : `${BASE}/${app.id}`;
      const res = await call(t, method, path, { ...options, body });
      assertError(res, 422, "validation_error");
      assert.ok(Array.isArray(res.body.details), res.text);
    }
    assert.deepEqual(await tableCounts(t.db), before);
    assert.deepEqual(await applicationRow(t, app.id), stored);
  });

  await s.step("list parameters with a bad value", async () => {
    for (
      const query of [
        "status=granted",
        "intake=2027-13",
        "ordering=stage",
        "page=0",
        "cursor=garbage",
        "page=2&cursor=",
      ]
    ) {
      assertError(await call(t, "GET", `${BASE}?${query}`, options), 422, "validation_error");
    }
    assert.equal((await call(t, "GET", `${BASE}?unknown=1`, options)).status, 200);
  });

  t.close();
});

Deno.test("applications: filters, search, ordering and cursor pages", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const options = as(w, "superAdmin");
  const make = (client: Row, body: Row) =>
    create(t, BASE, options, { client_id: client.id, application_type_id: d.uni.id, ...body });
  const melb = await make(d.clientA1a, {
    institution: "University of Melbourne",
    course: "Master of IT",
    intake: "2027-02",
    assigned_to: w.users.consultant.id,
  });
  const monash = await make(d.clientA1a, {
    institution: "Monash University",
    course: "Bachelor of Nursing",
    intake: "2027-07",
    stage_id: d.offer.id,
    status: "on_hold",
  });
  const rmit = await make(d.clientA1b, {
    institution: "RMIT (100% online)",
    course: "Diploma of IT",
    intake: "2027-02",
    assigned_to: w.users.consultantA1b.id,
  });
  const vet = await create(t, BASE, options, {
    client_id: d.clientA2a.id,
    application_type_id: d.vet.id,
    course: "Certificate IV in Cookery",
  });
  const ids = (...rows: Row[]) => sorted(...rows.map((r) => String(r.id)));
  const list = async (query: string) => idsOf(await call(t, "GET", `${BASE}?${query}`, options));

  await s.step("each filter narrows the list", async () => {
    assert.deepEqual(await list("status=on_hold"), ids(monash));
    assert.deepEqual(await list("status=active"), ids(melb, rmit, vet));
    assert.deepEqual(await list(`application_type_id=${d.vet.id}`), ids(vet));
    assert.deepEqual(await list(`stage_id=${d.offer.id}`), ids(monash));
    assert.deepEqual(await list(`stage_id=${d.documents.id}`), ids(melb, rmit));
    assert.deepEqual(await list(`assigned_to=${w.users.consultant.id}`), ids(melb));
    assert.deepEqual(await list(`client_id=${d.clientA1a.id}`), ids(melb, monash));
    assert.deepEqual(await list("intake=2027-02"), ids(melb, rmit));
    assert.deepEqual(await list(`intake=2027-02&client_id=${d.clientA1b.id}`), ids(rmit));
  });

  await s.step("search matches institution or course, case-insensitive and literal", async () => {
    assert.deepEqual(await list("search=melbourne"), ids(melb));
    assert.deepEqual(await list("search=of%20it"), ids(melb, rmit));
    assert.deepEqual(await list("search=COOKERY"), ids(vet));
    assert.deepEqual(await list("search=100%25"), ids(rmit));
    assert.deepEqual(await list("search=%25"), ids(rmit), "% matches itself only");
  });

  await s.step(
    "ordering by intake puts applications without one first, last reversed",
    async () => {
      const ordered = async (ordering: string) =>
        results(await call(t, "GET", `${BASE}?ordering=${ordering}`, options)).map((r) => r.id);
      assert.deepEqual(await ordered("intake"), [vet.id, melb.id, rmit.id, monash.id]);
      assert.deepEqual(await ordered("-intake"), [monash.id, rmit.id, melb.id, vet.id]);
      assert.deepEqual(await ordered("-created_at"), [vet.id, rmit.id, monash.id, melb.id]);
    },
  );

  await s.step("cursor pages walk every ordering like page mode, each row once", async () => {
    for (const more of ["Diploma", "Bachelor", "Master", "Certificate"]) {
      await make(d.clientA1a, { course: more });
      await make(d.clientA1b, { course: more, intake: "2026-11" });
    }
    for (const ordering of ["intake", "-intake", "created_at", "-updated_at"]) {
      const all = results(
        await call(t, "GET", `${BASE}?ordering=${ordering}&page_size=100`, options),
      );
      const walked: unknown[] = [];
      let next: string | null = `${BASE}?ordering=${ordering}&page_size=3&cursor=`;
      while (next) {
        const res = await call(t, "GET", next, options);
        walked.push(...results(res).map((r) => r.id));
        next = res.body.next ? relative(String(res.body.next)) : null;
      }
      assert.deepEqual(walked, all.map((r) => r.id), ordering);
      assert.equal(walked.length, 12);
    }
  });

  await s.step("page mode counts and links", async () => {
    const first = await call(t, "GET", `${BASE}?page_size=5`, options);
    assert.equal(first.body.count, 12);
    assert.equal(results(first).length, 5);
    assert.ok(String(first.body.next).includes("page=2"));
    const last = await call(t, "GET", `${BASE}?page_size=5&page=3`, options);
    assert.equal(results(last).length, 2);
    assert.equal(last.body.next, null);
  });

  t.close();
});

Deno.test("applications: a soft-deleted client's applications are hidden with it", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const app = await create(t, BASE, as(w, "consultant"), {
    client_id: d.clientA1a.id,
    application_type_id: d.uni.id,
  });
  const path = `${BASE}/${app.id}`;
  const admin = as(w, "branchAdmin");

  await s.step("deleting the client hides its applications from every role", async () => {
    assert.equal((await call(t, "DELETE", `/api/v1/clients/${d.clientA1a.id}`, admin)).status, 204);
    for (const who of ["superAdmin", "regionManager", "branchAdmin", "consultant"] as const) {
      assertError(await call(t, "GET", path, as(w, who)), 404);
      assertError(await call(t, "PATCH", path, { ...as(w, who), body: { notes: "x" } }), 404);
      assert.equal((await call(t, "GET", BASE, as(w, who))).body.count, 0, who);
    }
    assertError(await call(t, "DELETE", path, admin), 404);
    assert.ok(await applicationRow(t, app.id), "the row itself stays");
  });

  await s.step("no application is started for a deleted client (404)", async () => {
    const before = await countRows(t.db, "applications");
    assertError(
      await call(t, "POST", BASE, {
        ...as(w, "consultant"),
        body: { client_id: d.clientA1a.id, application_type_id: d.uni.id },
      }),
      404,
    );
    assert.equal(await countRows(t.db, "applications"), before);
  });

  await s.step("restoring the client brings them back", async () => {
    const restored = await call(t, "POST", `/api/v1/clients/${d.clientA1a.id}/restore`, admin);
    assert.equal(restored.status, 200, restored.text);
    assert.equal((await call(t, "GET", path, as(w, "consultant"))).status, 200);
    assert.deepEqual(idsOf(await call(t, "GET", BASE, as(w, "consultant"))), [String(app.id)]);
  });

  t.close();
});

/** The scope of a tenant-A role as the middleware would build it. */
function scopeFor(w: World, who: "superAdmin" | "regionManager" | "consultant"): TenantScope {
  const user = w.users[who];
  const actor = {
    userId: user.id,
    role: user.role,
    tenantId: w.tenantA.id,
    regionId: user.region_id,
    branchId: user.branch_id,
    sessionId: "plan",
  };
  if (who === "superAdmin") {
    return { level: "tenant", tenantId: w.tenantA.id, actor, viaPlatform: false };
  }
  if (who === "regionManager") {
    return { level: "region", tenantId: w.tenantA.id, regionId: w.regions.A1.id, actor };
  }
  return {
    level: "branch",
    tenantId: w.tenantA.id,
    regionId: w.regions.A1.id,
    branchId: w.branches.A1a.id,
    actor,
  };
}

Deno.test("applications: the list queries use indexes, not a scan of the table", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const d = await setUp(t, w);
  const db = t.db;
  const TOTAL = 20_000;
  const CHUNK = 500;
  const clientIds = [d.clientA1a.id, d.clientA1b.id, d.clientA2a.id].map(String);
  const stageIds = [d.documents.id, d.offer.id, d.coe.id].map(String);
  const statuses = ["active", "on_hold", "completed", "withdrawn", "rejected"] as const;
  const start = Date.parse("2025-01-01T00:00:00.000Z");

  await s.step("20,000 applications are inserted, three in four of them tenant A's", async () => {
    for (let offset = 0; offset < TOTAL; offset += CHUNK) {
      const rows: (typeof applications.$inferInsert)[] = [];
      for (let i = offset; i < offset + CHUNK; i++) {
        const at = new Date(start + i * 1000).toISOString();
        // Every fourth row is another agency's, as in a shared database.
        const theirs = i % 4 === 3;
        rows.push({
          id: uuidv7(start + i * 1000),
          tenant_id: theirs ? w.tenantB.id : w.tenantA.id,
          client_id: theirs ? String(d.clientB.id) : clientIds[i % clientIds.length],
          application_type_id: String(theirs ? d.typeB.id : d.uni.id),
          stage_id: theirs ? String(d.stageB.id) : stageIds[i % stageIds.length],
          institution: `Institution ${i % 50}`,
          intake: i % 4 ? `2027-0${1 + (i % 9)}` : null,
          assigned_to: i % 2 ? w.users.consultant.id : null,
          status: statuses[i % statuses.length],
          created_at: at,
          updated_at: at,
        });
      }
      await db.insert(applications).values(rows);
    }
    assert.equal(await countRows(db, "applications"), TOTAL);
  });

  const where = (scope: TenantScope, ...filters: (SQL | undefined)[]) =>
    and(clientRowsInScope(scope, applications, db), ...filters);
  const page = (condition: SQL | undefined) =>
    db.select().from(applications).where(condition)
      .orderBy(desc(applications.created_at), desc(applications.id)).limit(26).offset(0);
  const tenant = scopeFor(w, "superAdmin");
  const region = scopeFor(w, "regionManager");
  const branch = scopeFor(w, "consultant");
  const cursor = { v: new Date(start + 10_000_000).toISOString(), id: uuidv7(start + 10_000_000) };
  const queries: [string, { getSQL(): SQL }][] = [
    ["tenant-wide newest-first page", page(where(tenant))],
    ["region-scoped page", page(where(region))],
    ["branch-scoped page", page(where(branch))],
    ["status filter", page(where(tenant, eq(applications.status, "active")))],
    [
      "assigned_to filter",
      page(where(tenant, eq(applications.assigned_to, w.users.consultant.id))),
    ],
    ["client filter", page(where(tenant, eq(applications.client_id, clientIds[0])))],
    ["type filter", page(where(tenant, eq(applications.application_type_id, String(d.vet.id))))],
    ["stage filter", page(where(tenant, eq(applications.stage_id, stageIds[1])))],
    ["intake filter", page(where(tenant, eq(applications.intake, "2027-02")))],
    [
      "intake ordering",
      db.select().from(applications).where(where(tenant))
        .orderBy(asc(applications.intake), asc(applications.id)).limit(26),
    ],
    [
      "tenant-wide cursor page",
      page(and(
        where(tenant),
        or(
          lt(applications.created_at, cursor.v),
          and(eq(applications.created_at, cursor.v), lt(applications.id, cursor.id)),
        ),
      )),
    ],
    ["tenant count", db.select({ n: count() }).from(applications).where(where(tenant))],
    ["branch count", db.select({ n: count() }).from(applications).where(where(branch))],
    [
      "status count",
      db.select({ n: count() }).from(applications).where(
        where(tenant, eq(applications.status, "active")),
      ),
    ],
  ];

  const plans = () => tableScans(db, "applications", queries);

  await s.step("no list query scans the applications table (no statistics)", async () => {
    assert.deepEqual(await plans(), []);
  });

  await s.step("no list query scans the applications table after ANALYZE", async () => {
    await db.run(sql`ANALYZE`);
    assert.deepEqual(await plans(), []);
  });

  await s.step("the selectors' own list answers over the big table", async () => {
    const res = await call(
      t,
      "GET",
      `${BASE}?page_size=5&status=active`,
      as(w, "regionManager"),
    );
    assert.equal(results(res).length, 5);
    assert.equal(typeof res.body.count, "number");
  });

  t.close();
});
