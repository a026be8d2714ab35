import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { notifications, type NotificationType } from "../../db/schema/index.ts";
import { runScheduledNotifications } from "../../notifications/scheduled.ts";
import {
  assertError,
  auditOf,
  buildWorld,
  call,
  countRows,
  createTestApp,
  createVisaType,
  TENANT_A_ROLES,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const OUTSIDE: Who[] = [
  "regionManagerA2",
  "branchAdminA1b",
  "consultantA1b",
  "consultantA2a",
  "superAdminB",
  "consultantB",
];

/** A student visa type with a three-item checklist, and a draft application for a client. */
async function setUp(t: TestApp, w: World) {
  const typeId = await createVisaType(t, w, [
    { item: "Passport", required: true },
    { item: "Confirmation of Enrolment", required: true },
    { item: "Photo", required: false },
  ]);
  const client = await call(t, "POST", "/api/v1/clients", {
    token: w.tokens.consultant,
    body: { first_name: "Asha", last_name: "Karki" },
  });
  const application = await call(t, "POST", "/api/v1/visa-applications", {
    token: w.tokens.consultant,
    body: { client_id: client.body.id, visa_type_id: typeId },
  });
  assert.equal(application.status, 201, application.text);
  return {
    typeId,
    clientId: client.body.id as string,
    application,
    path: `/api/v1/visa-applications/${application.body.id}`,
  };
}

type Item = { id: string; name: string; status: string; position: number; required: boolean };
const itemsOf = (res: { body: Record<string, unknown> }) => res.body.results as Item[];

Deno.test("a visa application's checklist starts from its visa type, in its batch", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { application, path, clientId } = await setUp(t, w);

  await s.step("the items follow the checklist, requested, and the counts say so", async () => {
    assert.deepEqual(application.body.documents, { required: 2, received: 0, verified: 0 });
    const list = await call(t, "GET", `${path}/documents`, { token: w.tokens.consultant });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.count, 3);
    assert.deepEqual(
      itemsOf(list).map((i) => [i.position, i.name, i.required, i.status]),
      [
        [0, "Passport", true, "requested"],
        [1, "Confirmation of Enrolment", true, "requested"],
        [2, "Photo", false, "requested"],
      ],
    );
    // One batch: the application's audit entry and its items came from the same request.
    const audit = await auditOf(t, application);
    assert.deepEqual(audit.map((a) => [a.action, a.entity_type]), [["create", "visa_application"]]);
  });

  await s.step("an application refused at write time leaves no items behind", async () => {
    const before = await countRows(t.db, "checklist_items");
    const refused = await call(t, "POST", "/api/v1/visa-applications", {
      token: w.tokens.consultant,
      body: { client_id: clientId, visa_type_id: "0193c0de-0000-7000-8000-000000000999" },
    });
    assertError(refused, 404);
    assert.equal(await countRows(t.db, "checklist_items"), before);
  });

  await s.step("deleting a draft application takes its checklist with it", async () => {
    const del = await call(t, "DELETE", path, { token: w.tokens.branchAdmin });
    assert.equal(del.status, 204, del.text);
    assert.equal(await countRows(t.db, "checklist_items"), 0);
    assertError(await call(t, "GET", `${path}/documents`, { token: w.tokens.consultant }), 404);
  });
  t.close();
});

Deno.test("checklist items are seen and changed exactly where the application is", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { path } = await setUp(t, w);
  const list = await call(t, "GET", `${path}/documents`, { token: w.tokens.consultant });
  const [passport] = itemsOf(list);
  const itemPath = `${path}/documents/${passport.id}`;

  await s.step("every tenant-A role in the client's line reads and writes", async () => {
    for (const who of TENANT_A_ROLES) {
      const token = w.tokens[who];
      assert.equal((await call(t, "GET", `${path}/documents`, { token })).status, 200, who);
      assert.equal((await call(t, "GET", itemPath, { token })).status, 200, who);
      const edit = await call(t, "PATCH", itemPath, { token, body: { description: who } });
      assert.equal(edit.status, 200, `${who}: ${edit.text}`);
      const added = await call(t, "POST", `${path}/documents`, {
        token,
        body: { name: `Added by ${who}`, required: false },
      });
      assert.equal(added.status, 201, `${who}: ${added.text}`);
    }
  });

  await s.step("everyone else gets 404 on every route, and writes nothing", async () => {
    const before = await countRows(t.db, "checklist_items");
    for (const who of OUTSIDE) {
      const token = w.tokens[who];
      assertError(await call(t, "GET", `${path}/documents`, { token }), 404);
      assertError(await call(t, "GET", itemPath, { token }), 404);
      assertError(
        await call(t, "PATCH", itemPath, { token, body: { status: "received" } }),
        404,
      );
      assertError(await call(t, "POST", `${path}/documents`, { token, body: { name: "x" } }), 404);
      assertError(await call(t, "DELETE", itemPath, { token }), 404);
    }
    assert.equal(await countRows(t.db, "checklist_items"), before);
    const unchanged = await call(t, "GET", itemPath, { token: w.tokens.consultant });
    assert.equal(unchanged.body.status, "requested");
  });

  await s.step("an item is not found under another application's URL", async () => {
    const other = await call(t, "POST", "/api/v1/visa-applications", {
      token: w.tokens.consultant,
      body: {
        client_id: (await call(t, "GET", path, { token: w.tokens.consultant })).body.client_id,
        visa_type_id: (await call(t, "GET", path, { token: w.tokens.consultant })).body
          .visa_type_id,
      },
    });
    const wrong = `/api/v1/visa-applications/${other.body.id}/documents/${passport.id}`;
    assertError(await call(t, "GET", wrong, { token: w.tokens.consultant }), 404);
    assertError(
      await call(t, "GET", `${path}/documents/not-an-id`, { token: w.tokens.consultant }),
      404,
    );
  });

  await s.step("only branch_admin and up remove an item; it leaves the counts", async () => {
    const optional = itemsOf(
      await call(t, "GET", `${path}/documents?page_size=100`, {
        token: w.tokens.consultant,
      }),
    ).find((i) => i.name === "Photo")!;
    const optionalPath = `${path}/documents/${optional.id}`;
    assertError(await call(t, "DELETE", optionalPath, { token: w.tokens.consultant }), 403);
    const del = await call(t, "DELETE", optionalPath, { token: w.tokens.branchAdmin });
    assert.equal(del.status, 204, del.text);
    assertError(await call(t, "GET", optionalPath, { token: w.tokens.consultant }), 404);
    const audit = await auditOf(t, del);
    assert.deepEqual(audit.map((a) => [a.action, a.entity_type]), [["delete", "checklist_item"]]);
  });
  t.close();
});

Deno.test("checklist statuses follow their machine and drive the application's counts", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { path } = await setUp(t, w);
  const token = w.tokens.consultant;
  const [passport, coe] = itemsOf(await call(t, "GET", `${path}/documents`, { token }));
  const move = (id: string, body: Record<string, unknown>) =>
    call(t, "PATCH", `${path}/documents/${id}`, { token, body });
  const counts = async () => (await call(t, "GET", path, { token })).body.documents;

  await s.step("a move outside the machine is 409 with the allowed next statuses", async () => {
    const skip = await move(passport.id, { status: "verified" });
    assertError(skip, 409, "invalid_transition");
    assert.deepEqual((skip.body.details as { allowed: string[] }).allowed, ["received", "waived"]);
  });

  await s.step("received, then verified: counted, audited, stamped", async () => {
    const received = await move(passport.id, { status: "received" });
    assert.equal(received.status, 200, received.text);
    assert.equal(received.body.status_changed_by, w.users.consultant.id);
    assert.deepEqual(await counts(), { required: 2, received: 1, verified: 0 });
    const verified = await move(passport.id, { status: "verified" });
    assert.equal(verified.status, 200, verified.text);
    assert.deepEqual(await counts(), { required: 2, received: 1, verified: 1 });
    const [audit] = await auditOf(t, verified);
    assert.equal(audit.entity_type, "checklist_item");
    assert.deepEqual(audit.before?.status, "received");
    assert.deepEqual(audit.after?.status, "verified");
  });

  await s.step("a rejection needs its reason, and moving on clears it", async () => {
    await move(coe.id, { status: "received" });
    assertError(await move(coe.id, { status: "rejected" }), 422, "validation_error");
    assertError(await move(coe.id, { rejection_reason: "Blurry" }), 422, "validation_error");
    const rejected = await move(coe.id, { status: "rejected", rejection_reason: "Wrong course" });
    assert.equal(rejected.status, 200, rejected.text);
    assert.equal(rejected.body.rejection_reason, "Wrong course");
    assert.deepEqual(await counts(), { required: 2, received: 1, verified: 1 });
    const again = await move(coe.id, { status: "received" });
    assert.equal(again.body.rejection_reason, null);
  });

  await s.step("a waived item is no longer required", async () => {
    await move(coe.id, { status: "rejected", rejection_reason: "Expired" });
    const waived = await move(coe.id, { status: "waived" });
    assert.equal(waived.status, 200, waived.text);
    assert.deepEqual(await counts(), { required: 1, received: 1, verified: 1 });
    const list = await call(t, "GET", "/api/v1/visa-applications", { token });
    const [row] = list.body.results as { documents: unknown }[];
    assert.deepEqual(row.documents, { required: 1, received: 1, verified: 1 });
  });

  await s.step("bad input is a 422 and changes nothing", async () => {
    for (
      const body of [
        { status: "lost" },
        { name: "" },
        { due_date: "2026-02-30" },
        { unknown: 1 },
        { required: "yes" },
      ]
    ) {
      assertError(await move(passport.id, body), 422, "validation_error");
    }
    assertError(
      await call(t, "POST", `${path}/documents`, { token, body: { required: true } }),
      422,
      "validation_error",
    );
    const still = await call(t, "GET", `${path}/documents/${passport.id}`, { token });
    assert.equal(still.body.status, "verified");
  });
  t.close();
});

Deno.test("checklist alerts: a document past due, and an application ready to lodge", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { path } = await setUp(t, w);
  await call(t, "PATCH", path, {
    token: w.tokens.consultant,
    body: { assigned_to: w.users.consultant.id },
  });
  const [passport, coe] = itemsOf(
    await call(t, "GET", `${path}/documents`, { token: w.tokens.consultant }),
  );
  const alerts = async (type: NotificationType) =>
    (await t.db.select().from(notifications).where(eq(notifications.type, type)))
      .map((n) => n.recipient_id);

  await s.step("a document past its due date alerts the assignee once", async () => {
    await call(t, "PATCH", `${path}/documents/${passport.id}`, {
      token: w.tokens.consultant,
      body: { due_date: "2026-01-02" },
    });
    const first = await runScheduledNotifications(
      t.db,
      t.deps.hub,
      new Date("2026-01-05T12:00:00Z"),
    );
    assert.equal(first.created.document_due, 1);
    assert.deepEqual(await alerts("document_due"), [w.users.consultant.id]);
    const again = await runScheduledNotifications(
      t.db,
      t.deps.hub,
      new Date("2026-01-05T12:05:00Z"),
    );
    assert.equal(again.created.document_due, 0, "idempotent");
  });

  await s.step("verifying the last required document says the application is ready", async () => {
    const move = (id: string, status: string) =>
      call(t, "PATCH", `${path}/documents/${id}`, {
        token: w.tokens.branchAdmin,
        body: { status },
      });
    for (const status of ["received", "verified"]) await move(passport.id, status);
    assert.deepEqual(await alerts("application_ready"), [], "one document is still missing");
    await move(coe.id, "received");
    const last = await move(coe.id, "verified");
    assert.equal(last.status, 200, last.text);
    assert.deepEqual(await alerts("application_ready"), [w.users.consultant.id]);
    const overdue = await runScheduledNotifications(
      t.db,
      t.deps.hub,
      new Date("2026-01-06T12:00:00Z"),
    );
    assert.equal(overdue.created.document_due, 0, "a received document is no longer due");
  });
  t.close();
});

Deno.test("a study application keeps a checklist of its own, in the same scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const type = await call(t, "POST", "/api/v1/application-types", {
    token: w.tokens.superAdmin,
    body: { name: "University admission", code: "UNI" },
  });
  const client = await call(t, "POST", "/api/v1/clients", {
    token: w.tokens.consultant,
    body: { first_name: "Mei", last_name: "Tan" },
  });
  const application = await call(t, "POST", "/api/v1/applications", {
    token: w.tokens.consultant,
    body: { client_id: client.body.id, application_type_id: type.body.id, institution: "UniSA" },
  });
  assert.equal(application.status, 201, application.text);
  assert.deepEqual(application.body.documents, { required: 0, received: 0, verified: 0 });
  const path = `/api/v1/applications/${application.body.id}`;

  await s.step("items are added by hand and counted on the application", async () => {
    const offer = await call(t, "POST", `${path}/documents`, {
      token: w.tokens.consultant,
      body: { name: "Offer letter" },
    });
    assert.equal(offer.status, 201, offer.text);
    assert.equal(offer.body.application_id, application.body.id);
    assert.equal(offer.body.visa_application_id, null);
    const moved = await call(t, "PATCH", `${path}/documents/${offer.body.id}`, {
      token: w.tokens.consultant,
      body: { status: "received" },
    });
    assert.equal(moved.status, 200, moved.text);
    const read = await call(t, "GET", path, { token: w.tokens.consultant });
    assert.deepEqual(read.body.documents, { required: 1, received: 1, verified: 0 });
  });

  await s.step("a study application's overdue document alerts too", async () => {
    await call(t, "POST", `${path}/documents`, {
      token: w.tokens.consultant,
      body: { name: "English test result", due_date: "2026-01-02" },
    });
    const run = await runScheduledNotifications(t.db, t.deps.hub, new Date("2026-01-05T12:00:00Z"));
    assert.equal(run.created.document_due, 1);
  });

  await s.step(
    "outside the scope it is 404, and a visa application's URL does not reach it",
    async () => {
      for (const who of OUTSIDE) {
        assertError(await call(t, "GET", `${path}/documents`, { token: w.tokens[who] }), 404);
        assertError(
          await call(t, "POST", `${path}/documents`, { token: w.tokens[who], body: { name: "x" } }),
          404,
        );
      }
      const asVisa = `/api/v1/visa-applications/${application.body.id}/documents`;
      assertError(await call(t, "GET", asVisa, { token: w.tokens.consultant }), 404);
    },
  );

  await s.step(
    "deleting the application takes its checklist with it",
    async () => {
      const del = await call(t, "DELETE", path, { token: w.tokens.branchAdmin });
      assert.equal(del.status, 204, del.text);
      assert.equal(await countRows(t.db, "checklist_items"), 0);
    },
  );
  t.close();
});
