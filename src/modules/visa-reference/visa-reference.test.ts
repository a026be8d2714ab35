import assert from "node:assert/strict";
import {
  assertError,
  buildWorld,
  call,
  countRows,
  createTestApp,
  TENANT_A_ROLES,
} from "../../../tests/support.ts";

Deno.test("visa reference data: the tenant reads it, its managers write it", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const category = await call(t, "POST", "/api/v1/visa-categories", {
    token: w.tokens.countryManager,
    body: { name: "Student", code: "student", description: "Study visas" },
  });
  assert.equal(category.status, 201, category.text);
  assert.equal(category.body.code, "STUDENT");
  const type = await call(t, "POST", "/api/v1/visa-types", {
    token: w.tokens.superAdmin,
    body: {
      visa_category_id: category.body.id,
      name: "Student visa (subclass 500)",
      code: "500",
      checklist: [{ item: "Confirmation of Enrolment", required: true }],
    },
  });
  assert.equal(type.status, 201, type.text);

  await s.step("every role of the tenant reads categories and types", async () => {
    for (const who of TENANT_A_ROLES) {
      const list = await call(t, "GET", "/api/v1/visa-types", { token: w.tokens[who] });
      assert.equal(list.body.count, 1, who);
      assert.equal(
        (await call(t, "GET", `/api/v1/visa-categories/${category.body.id}`, {
          token: w.tokens[who],
        })).status,
        200,
      );
    }
  });

  await s.step("another tenant does not see them (404)", async () => {
    assertError(
      await call(t, "GET", `/api/v1/visa-types/${type.body.id}`, { token: w.tokens.consultantB }),
      404,
    );
    assert.equal(
      (await call(t, "GET", "/api/v1/visa-categories", { token: w.tokens.superAdminB })).body.count,
      0,
    );
    assertError(
      await call(t, "PATCH", `/api/v1/visa-types/${type.body.id}`, {
        token: w.tokens.superAdminB,
        body: { name: "X" },
      }),
      404,
    );
  });

  await s.step("region managers and below cannot write reference data (403)", async () => {
    for (const who of ["regionManager", "branchAdmin", "consultant"] as const) {
      const token = w.tokens[who];
      assertError(
        await call(t, "POST", "/api/v1/visa-categories", {
          token,
          body: { name: "Work", code: "WORK" },
        }),
        403,
      );
      assertError(
        await call(t, "PATCH", `/api/v1/visa-types/${type.body.id}`, {
          token,
          body: { name: "Y" },
        }),
        403,
      );
      assertError(
        await call(t, "DELETE", `/api/v1/visa-categories/${category.body.id}`, { token }),
        403,
      );
    }
  });

  await s.step("a type cannot point at another tenant's category (404)", async () => {
    const theirs = await call(t, "POST", "/api/v1/visa-categories", {
      token: w.tokens.superAdminB,
      body: { name: "Work", code: "WORK" },
    });
    assertError(
      await call(t, "POST", "/api/v1/visa-types", {
        token: w.tokens.superAdmin,
        body: { visa_category_id: theirs.body.id, name: "Skilled", code: "189" },
      }),
      404,
    );
  });

  await s.step("codes are unique per tenant (409), and bad input writes nothing", async () => {
    const before = await countRows(t.db, "visa_types");
    assertError(
      await call(t, "POST", "/api/v1/visa-types", {
        token: w.tokens.superAdmin,
        body: { visa_category_id: category.body.id, name: "Again", code: "500" },
      }),
      409,
      "code_taken",
    );
    const token = w.tokens.superAdmin;
    const bad = [
      { visa_category_id: category.body.id, name: "Bad", code: "has spaces" },
      { visa_category_id: category.body.id, name: "Bad", code: "OK1", checklist: [{ item: "x" }] },
      { visa_category_id: category.body.id, name: "Bad", code: "OK2", tenant_id: w.tenantB.id },
    ];
    for (const body of bad) {
      assertError(await call(t, "POST", "/api/v1/visa-types", { token, body }), 422);
    }
    assert.equal(await countRows(t.db, "visa_types"), before);
    // The same code in another tenant is fine.
    const other = await call(t, "POST", "/api/v1/visa-categories", {
      token: w.tokens.superAdminB,
      body: { name: "Student", code: "STUDENT" },
    });
    assert.equal(other.status, 201);
  });

  await s.step("a category with types cannot be deleted (409); an empty one can", async () => {
    const token = w.tokens.superAdmin;
    assertError(
      await call(t, "DELETE", `/api/v1/visa-categories/${category.body.id}`, { token }),
      409,
    );
    assert.equal(
      (await call(t, "DELETE", `/api/v1/visa-types/${type.body.id}`, { token })).status,
      204,
    );
    assert.equal(
      (await call(t, "DELETE", `/api/v1/visa-categories/${category.body.id}`, { token })).status,
      204,
    );
    assertError(
      await call(t, "GET", `/api/v1/visa-categories/${category.body.id}`, { token }),
      404,
    );
  });
  t.close();
});
