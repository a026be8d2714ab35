import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import {
  assertError,
  buildWorld,
  call,
  countRows,
  createTestApp,
  createVisaType,
  type TestApp,
  type World,
} from "../../../tests/support.ts";

async function setUp(t: TestApp, w: World) {
  const typeId = await createVisaType(t, w);
  const client = await call(t, "POST", "/api/v1/clients", {
    token: w.tokens.consultant,
    body: {
      first_name: "Asha",
      last_name: "Karki",
      current_visa: "Visitor",
      visa_expiry_date: "2026-12-01",
    },
  });
  assert.equal(client.status, 201, client.text);
  return { typeId, clientId: client.body.id as string };
}

Deno.test("visa applications follow their client's scope and the status machine", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { typeId, clientId } = await setUp(t, w);
  const token = w.tokens.consultant;
  const created = await call(t, "POST", "/api/v1/visa-applications", {
    token,
    body: {
      client_id: clientId,
      visa_type_id: typeId,
      fee_amount: 195000,
      assigned_to: w.users.consultant.id,
    },
  });
  const id = created.body.id as string;
  const path = `/api/v1/visa-applications/${id}`;

  await s.step(
    "a consultant starts a draft for its client; the fee currency defaults to the tenant's",
    () => {
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.status, "draft");
      assert.equal(created.body.fee_currency, "USD");
    },
  );

  await s.step("visible exactly where the client is", async () => {
    for (
      const who of [
        "superAdmin",
        "countryManager",
        "regionManager",
        "branchAdmin",
        "consultant",
      ] as const
    ) {
      assert.equal((await call(t, "GET", path, { token: w.tokens[who] })).status, 200, who);
    }
    for (const who of ["consultantA1b", "regionManagerA2", "superAdminB", "consultantB"] as const) {
      assertError(await call(t, "GET", path, { token: w.tokens[who] }), 404);
      assertError(
        await call(t, "PATCH", path, { token: w.tokens[who], body: { notes: "x" } }),
        404,
      );
    }
    const list = await call(t, "GET", "/api/v1/visa-applications", {
      token: w.tokens.consultantA1b,
    });
    assert.equal(list.body.count, 0);
  });

  await s.step("ids outside the writer's scope are 404: client, visa type, assignee", async () => {
    const before = await countRows(t.db, "visa_applications");
    const otherType = await call(t, "POST", "/api/v1/visa-categories", {
      token: w.tokens.superAdminB,
      body: { name: "Work", code: "WORK" },
    });
    const cases = [
      { token: w.tokens.consultantA1b, body: { client_id: clientId, visa_type_id: typeId } },
      { token, body: { client_id: clientId, visa_type_id: otherType.body.id } },
      {
        token,
        body: { client_id: clientId, visa_type_id: typeId, assigned_to: w.users.consultantA2a.id },
      },
    ];
    for (const c of cases) assertError(await call(t, "POST", "/api/v1/visa-applications", c), 404);
    assert.equal(await countRows(t.db, "visa_applications"), before);
  });

  await s.step("bad input: 422 and nothing written", async () => {
    const before = await countRows(t.db, "visa_applications");
    const bad = [
      { client_id: clientId, visa_type_id: typeId, fee_amount: 12.5 },
      { client_id: clientId, visa_type_id: typeId, fee_currency: "XYZ" },
      { client_id: clientId, visa_type_id: typeId, status: "granted" },
      { client_id: clientId, visa_type_id: typeId, rfi_due_date: "2026-02-30" },
    ];
    for (const body of bad) {
      assertError(await call(t, "POST", "/api/v1/visa-applications", { token, body }), 422);
    }
    assert.equal(await countRows(t.db, "visa_applications"), before);
  });

  await s.step("a move outside the machine is 409 with the allowed next statuses", async () => {
    const res = await call(t, "PATCH", path, { token, body: { status: "granted" } });
    assertError(res, 409, "invalid_transition");
    assert.deepEqual((res.body.details as { allowed: string[] }).allowed, [
      "preparing",
      "withdrawn",
    ]);
  });

  await s.step(
    "draft → preparing → lodged (dated today) ⇄ RFI → granted updates the client in the same batch",
    async () => {
      assert.equal(
        (await call(t, "PATCH", path, { token, body: { status: "preparing" } })).status,
        200,
      );
      const lodged = await call(t, "PATCH", path, {
        token,
        body: { status: "lodged", government_reference: "EGO1234567" },
      });
      assert.equal(lodged.status, 200, lodged.text);
      assert.match(String(lodged.body.lodged_date), /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(
        (await call(t, "PATCH", path, { token, body: { status: "further_information_requested" } }))
          .status,
        200,
      );
      assert.equal(
        (await call(t, "PATCH", path, { token, body: { status: "lodged" } })).status,
        200,
      );
      const found = await call(t, "GET", "/api/v1/visa-applications?search=ego123", { token });
      assert.equal(found.body.count, 1);
      const noExpiry = await call(t, "PATCH", path, { token, body: { status: "granted" } });
      assertError(noExpiry, 422, "validation_error");
      const auditsBefore = await countRows(t.db, "audit_logs");
      const granted = await call(t, "PATCH", path, {
        token,
        body: { status: "granted", expiry_date: "2029-03-31", grant_number: "G-77" },
      });
      assert.equal(granted.status, 200, granted.text);
      const client = await call(t, "GET", `/api/v1/clients/${clientId}`, { token });
      assert.equal(client.body.current_visa, "Student visa (subclass 500)");
      assert.equal(client.body.visa_expiry_date, "2029-03-31");
      assert.equal(
        await countRows(t.db, "audit_logs"),
        auditsBefore + 2,
        "application and client audited together",
      );
      const [clientAudit] = await t.db.all<{ before: string; after: string }>(
        sql`SELECT before, after FROM audit_logs WHERE entity_type = 'client' AND entity_id = ${clientId} ORDER BY id DESC LIMIT 1`,
      );
      assert.deepEqual(JSON.parse(clientAudit.before), {
        current_visa: "Visitor",
        visa_expiry_date: "2026-12-01",
      });
    },
  );

  await s.step("a final status does not move again, not even to withdrawn", async () => {
    assertError(
      await call(t, "PATCH", path, { token, body: { status: "withdrawn" } }),
      409,
      "invalid_transition",
    );
  });

  await s.step("only draft applications are deleted, by branch_admin and up", async () => {
    const draft = await call(t, "POST", "/api/v1/visa-applications", {
      token,
      body: { client_id: clientId, visa_type_id: typeId },
    });
    const draftPath = `/api/v1/visa-applications/${draft.body.id}`;
    assertError(await call(t, "DELETE", draftPath, { token }), 403);
    assertError(await call(t, "DELETE", path, { token: w.tokens.branchAdmin }), 409, "not_draft");
    assert.equal((await call(t, "DELETE", draftPath, { token: w.tokens.branchAdmin })).status, 204);
    assertError(await call(t, "GET", draftPath, { token }), 404);
  });

  await s.step(
    "a soft-deleted client's applications are hidden with it and come back with it",
    async () => {
      assert.equal(
        (await call(t, "DELETE", `/api/v1/clients/${clientId}`, { token: w.tokens.branchAdmin }))
          .status,
        204,
      );
      assertError(await call(t, "GET", path, { token: w.tokens.superAdmin }), 404);
      assert.equal(
        (await call(t, "GET", "/api/v1/visa-applications", { token: w.tokens.superAdmin })).body
          .count,
        0,
      );
      const restored = await call(t, "POST", `/api/v1/clients/${clientId}/restore`, {
        token: w.tokens.branchAdmin,
      });
      assert.equal(restored.status, 200, restored.text);
      assert.equal((await call(t, "GET", path, { token: w.tokens.superAdmin })).status, 200);
    },
  );
  t.close();
});
