/**
 * Black-box tests of /api/v1/application-types and /application-stages: the whole
 * tenant reads them, its managers write them, other tenants do not see them;
 * unique codes and stage names, stage order and paging, deletes refused while
 * in use, bad input, and the audit row of each write.
 * @module
 */
import assert from "node:assert/strict";
import {
  allAudit,
  asPlatform,
  assertError,
  beforeNextBatch,
  buildWorld,
  call,
  createTestApp,
  newAudit,
  type RequestOptions,
  results,
  tableCounts,
  TENANT_A_ROLES,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const TYPES = "/api/v1/application-types";
const STAGES = "/api/v1/application-stages";
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

/** A path relative to the app from an absolute `next` link. */
function relative(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** Every row of a list walked with `?cursor=`, in order. */
async function walk(t: TestApp, options: RequestOptions, path: string): Promise<Row[]> {
  const rows: Row[] = [];
  let next: string | null = path;
  while (next) {
    const res = await call(t, "GET", next, options);
    rows.push(...results(res));
    assert.equal(res.body.count, null);
    next = res.body.next ? relative(String(res.body.next)) : null;
  }
  return rows;
}

Deno.test("application reference data: the tenant reads it, its managers write it", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const type = await create(t, TYPES, as(w, "countryManager"), {
    name: "University admission",
    code: "uni",
    description: "Offer to CoE",
  });
  const stage = await create(t, STAGES, as(w, "superAdmin"), {
    application_type_id: type.id,
    name: "Documents collected",
  });

  await s.step("a manager's type is stored with its code upper-cased", () => {
    assert.equal(type.code, "UNI");
    assert.equal(type.tenant_id, w.tenantA.id);
    assert.equal(type.created_by, w.users.countryManager.id);
    assert.equal(stage.position, 1, "the first stage of a type is at position 1");
    assert.equal(stage.tenant_id, w.tenantA.id);
  });

  await s.step("every role of the tenant lists and reads types and stages", async () => {
    for (const who of TENANT_A_ROLES) {
      assert.deepEqual(results(await call(t, "GET", TYPES, as(w, who))).map((r) => r.id), [
        type.id,
      ]);
      assert.deepEqual(results(await call(t, "GET", STAGES, as(w, who))).map((r) => r.id), [
        stage.id,
      ]);
      assert.equal((await call(t, "GET", `${TYPES}/${type.id}`, as(w, who))).status, 200, who);
      assert.equal((await call(t, "GET", `${STAGES}/${stage.id}`, as(w, who))).status, 200, who);
    }
  });

  await s.step("another tenant neither sees nor writes them (404)", async () => {
    const before = await tableCounts(t.db);
    for (const who of ["superAdminB", "consultantB"] as const) {
      assert.equal((await call(t, "GET", TYPES, as(w, who))).body.count, 0);
      assert.equal((await call(t, "GET", STAGES, as(w, who))).body.count, 0);
      assertError(await call(t, "GET", `${TYPES}/${type.id}`, as(w, who)), 404, "not_found");
      assertError(await call(t, "GET", `${STAGES}/${stage.id}`, as(w, who)), 404, "not_found");
    }
    const options = as(w, "superAdminB");
    for (const path of [`${TYPES}/${type.id}`, `${STAGES}/${stage.id}`]) {
      assertError(await call(t, "PATCH", path, { ...options, body: { name: "X" } }), 404);
      assertError(await call(t, "DELETE", path, options), 404);
    }
    assertError(
      await call(t, "POST", STAGES, {
        ...options,
        body: { application_type_id: type.id, name: "Theirs" },
      }),
      404,
    );
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("region managers, branch admins and consultants cannot write (403)", async () => {
    const before = await tableCounts(t.db);
    for (const who of ["regionManager", "branchAdmin", "consultant"] as const) {
      const options = as(w, who);
      const attempts: [string, string, Row | undefined][] = [
        ["POST", TYPES, { name: "Visa", code: "VISA" }],
        ["PATCH", `${TYPES}/${type.id}`, { name: "Renamed" }],
        ["DELETE", `${TYPES}/${type.id}`, undefined],
        ["POST", STAGES, { application_type_id: type.id, name: "Offer" }],
        ["PATCH", `${STAGES}/${stage.id}`, { position: 4 }],
        ["DELETE", `${STAGES}/${stage.id}`, undefined],
      ];
      for (const [method, path, body] of attempts) {
        assertError(await call(t, method, path, { ...options, body }), 403, "forbidden");
      }
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("an unknown or malformed id is 404", async () => {
    for (const id of [UNKNOWN_ID, "not-a-uuid"]) {
      for (const base of [TYPES, STAGES]) {
        assertError(await call(t, "GET", `${base}/${id}`, as(w, "superAdmin")), 404);
        assertError(await call(t, "DELETE", `${base}/${id}`, as(w, "superAdmin")), 404);
      }
    }
  });

  await s.step("the platform admin writes after naming the tenant (400 without)", async () => {
    const before = await tableCounts(t.db);
    assertError(await call(t, "GET", TYPES, as(w, "platform")), 400, "tenant_required");
    assertError(
      await call(t, "POST", TYPES, { ...as(w, "platform"), body: { name: "Visa", code: "VISA" } }),
      400,
      "tenant_required",
    );
    assert.deepEqual(await tableCounts(t.db), before);
    const theirs = await create(t, TYPES, asPlatform(w, w.tenantB.id), {
      name: "Skills assessment",
      code: "SKILLS",
    });
    assert.equal(theirs.tenant_id, w.tenantB.id);
    assert.equal(theirs.created_by, w.users.platform.id);
    const renamed = await call(t, "PATCH", `${STAGES}/${stage.id}`, {
      ...asPlatform(w, w.tenantA.id),
      body: { name: "Documents received" },
    });
    assert.equal(renamed.status, 200, renamed.text);
    assertError(await call(t, "GET", `${TYPES}/${theirs.id}`, asPlatform(w, w.tenantA.id)), 404);
    assert.equal((await call(t, "GET", TYPES, as(w, "consultantB"))).body.count, 1);
  });

  await s.step("a stage cannot be added to another tenant's type (404)", async () => {
    const theirs = results(await call(t, "GET", TYPES, as(w, "superAdminB")))[0];
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "POST", STAGES, {
        ...as(w, "superAdmin"),
        body: { application_type_id: theirs.id, name: "Lodged" },
      }),
      404,
      "not_found",
    );
    assert.deepEqual(await tableCounts(t.db), before);
  });

  t.close();
});

Deno.test("application reference data: unique codes and stage names, bad input", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "superAdmin");
  const uni = await create(t, TYPES, options, { name: "University admission", code: "UNI" });
  const vet = await create(t, TYPES, options, { name: "VET admission", code: "VET" });
  const offer = await create(t, STAGES, options, { application_type_id: uni.id, name: "Offer" });

  await s.step("a type code is unique per tenant, whatever its case (409 code_taken)", async () => {
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "POST", TYPES, { ...options, body: { name: "Again", code: "uni" } }),
      409,
      "code_taken",
    );
    assertError(
      await call(t, "PATCH", `${TYPES}/${vet.id}`, { ...options, body: { code: "UNI" } }),
      409,
      "code_taken",
    );
    assert.deepEqual(await tableCounts(t.db), before);
    await create(t, TYPES, as(w, "superAdminB"), { name: "University admission", code: "UNI" });
  });

  await s.step("a stage name is unique per type (409 stage_name_taken)", async () => {
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "POST", STAGES, {
        ...options,
        body: { application_type_id: uni.id, name: "Offer" },
      }),
      409,
      "stage_name_taken",
    );
    const other = await create(t, STAGES, options, { application_type_id: uni.id, name: "CoE" });
    const countsNow = await tableCounts(t.db);
    assertError(
      await call(t, "PATCH", `${STAGES}/${other.id}`, { ...options, body: { name: "Offer" } }),
      409,
      "stage_name_taken",
    );
    assert.deepEqual(await tableCounts(t.db), countsNow);
    assert.equal(countsNow.application_stages, before.application_stages + 1);
    await create(t, STAGES, options, { application_type_id: vet.id, name: "Offer" });
  });

  await s.step("bad input is 422 with details, and nothing is written", async () => {
    const before = await tableCounts(t.db);
    const attempts: [string, string, Row][] = [
      ["POST", TYPES, { name: "Bad", code: "has spaces" }],
      ["POST", TYPES, { name: "", code: "OK1" }],
      ["POST", TYPES, { code: "OK2" }],
      ["POST", TYPES, { name: "Bad", code: "OK3", tenant_id: w.tenantB.id }],
      ["POST", TYPES, { name: "Bad", code: "OK4", description: "x".repeat(2001) }],
      ["PATCH", `${TYPES}/${uni.id}`, { id: UNKNOWN_ID }],
      ["POST", STAGES, { name: "No type" }],
      ["POST", STAGES, { application_type_id: uni.id, name: "Zero", position: 0 }],
      ["POST", STAGES, { application_type_id: uni.id, name: "Half", position: 1.5 }],
      ["POST", STAGES, { application_type_id: uni.id, name: "Text", position: "2" }],
      ["POST", STAGES, { application_type_id: "", name: "Empty id" }],
      ["PATCH", `${STAGES}/${offer.id}`, { application_type_id: vet.id }],
      ["PATCH", `${STAGES}/${offer.id}`, { position: -1 }],
      ["PATCH", `${STAGES}/${offer.id}`, { name: "   " }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(t, method, path, { ...options, body });
      assertError(res, 422, "validation_error");
      assert.ok(Array.isArray(res.body.details), res.text);
    }
    for (const query of ["ordering=bogus", "page=0", "page_size=x", "cursor=garbage"]) {
      assertError(await call(t, "GET", `${STAGES}?${query}`, options), 422);
    }
    assertError(await call(t, "GET", `${TYPES}?ordering=position`, options), 422);
    assert.deepEqual(await tableCounts(t.db), before);
  });

  t.close();
});

Deno.test("application stages: appended in order, listed by type then position", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "superAdmin");
  const uni = await create(t, TYPES, options, { name: "University admission", code: "UNI" });
  const vet = await create(t, TYPES, options, { name: "VET admission", code: "VET" });
  const stage = (typeId: unknown, name: string, position?: number) =>
    create(t, STAGES, options, { application_type_id: typeId, name, position });
  const uni1 = await stage(uni.id, "Documents");
  const vet1 = await stage(vet.id, "Enquiry");
  const uni2 = await stage(uni.id, "Offer");
  const uni3 = await stage(uni.id, "Acceptance");
  const vet9 = await stage(vet.id, "Enrolled", 9);
  const vet2 = await stage(vet.id, "Offer", 2);

  await s.step("a stage without a position goes after its type's last one", async () => {
    assert.deepEqual([uni1, uni2, uni3].map((r) => r.position), [1, 2, 3]);
    assert.equal(vet1.position, 1);
    assert.equal((await stage(vet.id, "Visa lodged")).position, 10);
  });

  await s.step("the list is ordered by type, then position (ties in creation order)", async () => {
    await stage(uni.id, "Offer (conditional)", 2);
    const list = results(await call(t, "GET", `${STAGES}?page_size=100`, options));
    const names = list.map((r) => `${r.application_type_id === uni.id ? "UNI" : "VET"}:${r.name}`);
    assert.deepEqual(names, [
      "UNI:Documents",
      "UNI:Offer",
      "UNI:Offer (conditional)",
      "UNI:Acceptance",
      "VET:Enquiry",
      "VET:Offer",
      "VET:Enrolled",
      "VET:Visa lodged",
    ]);
    const reversed = results(await call(t, "GET", `${STAGES}?ordering=-position`, options));
    assert.deepEqual(reversed.map((r) => r.id), list.map((r) => r.id).reverse());
    const ofVet = results(await call(t, "GET", `${STAGES}?application_type_id=${vet.id}`, options));
    assert.deepEqual(ofVet.map((r) => r.id).slice(0, 3), [vet1.id, vet2.id, vet9.id]);
    assert.ok(ofVet.every((r) => r.application_type_id === vet.id));
  });

  await s.step("cursor pages walk the same order, each stage once", async () => {
    for (const ordering of ["position", "-position", "name", "-created_at"]) {
      const byPage = results(
        await call(t, "GET", `${STAGES}?page_size=100&ordering=${ordering}`, options),
      );
      const byCursor = await walk(t, options, `${STAGES}?cursor=&page_size=3&ordering=${ordering}`);
      assert.deepEqual(byCursor.map((r) => r.id), byPage.map((r) => r.id), ordering);
      assert.equal(byCursor.length, 8);
    }
  });

  await s.step("a cursor of one ordering is refused by another (422)", async () => {
    const first = await call(t, "GET", `${STAGES}?cursor=&page_size=2`, options);
    const next = new URL(String(first.body.next)).searchParams.get("cursor");
    assertError(await call(t, "GET", `${STAGES}?cursor=${next}&ordering=name`, options), 422);
  });

  await s.step("search matches the stage name; a type's stages by filter", async () => {
    const found = results(await call(t, "GET", `${STAGES}?search=offer`, options));
    assert.deepEqual(found.map((r) => r.name).sort(), ["Offer", "Offer", "Offer (conditional)"]);
    assert.equal(
      (await call(t, "GET", `${STAGES}?application_type_id=${UNKNOWN_ID}`, options)).body.count,
      0,
    );
  });

  await s.step("moving a stage changes its place in the list", async () => {
    const moved = await call(t, "PATCH", `${STAGES}/${uni1.id}`, {
      ...options,
      body: { position: 5 },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.position, 5);
    const ofUni = results(await call(t, "GET", `${STAGES}?application_type_id=${uni.id}`, options));
    assert.equal(ofUni.at(-1)?.id, uni1.id);
  });

  t.close();
});

Deno.test("application reference data: in-use rows stay; every write is audited", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "superAdmin");
  const uni = await create(t, TYPES, options, { name: "University admission", code: "UNI" });
  const offer = await create(t, STAGES, options, { application_type_id: uni.id, name: "Offer" });
  const coe = await create(t, STAGES, options, { application_type_id: uni.id, name: "CoE" });
  const client = await create(t, "/api/v1/clients", as(w, "consultant"), {
    first_name: "Asha",
    last_name: "Karki",
  });
  const application = await create(t, "/api/v1/applications", as(w, "consultant"), {
    client_id: client.id,
    application_type_id: uni.id,
  });

  await s.step("a type with applications is 409 application_type_in_use", async () => {
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "DELETE", `${TYPES}/${uni.id}`, options),
      409,
      "application_type_in_use",
    );
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("a stage an application is at is 409 application_stage_in_use", async () => {
    assert.equal(application.stage_id, offer.id);
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "DELETE", `${STAGES}/${offer.id}`, options),
      409,
      "application_stage_in_use",
    );
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("a stage no application is at is deleted, with its audit entry", async () => {
    const audit = await allAudit(t);
    assert.equal((await call(t, "DELETE", `${STAGES}/${coe.id}`, options)).status, 204);
    assertError(await call(t, "GET", `${STAGES}/${coe.id}`, options), 404);
    const [entry] = await newAudit(t, audit);
    assert.equal(entry.action, "delete");
    assert.equal(entry.entity_type, "application_stage");
    assert.equal(entry.entity_id, coe.id);
    assert.deepEqual(entry.before, coe);
    assert.equal(entry.actor_id, w.users.superAdmin.id);
  });

  await s.step("a type with stages is 409 application_type_has_stages", async () => {
    const deleted = await call(t, "DELETE", `/api/v1/applications/${application.id}`, {
      ...as(w, "branchAdmin"),
    });
    assert.equal(deleted.status, 204, deleted.text);
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "DELETE", `${TYPES}/${uni.id}`, options),
      409,
      "application_type_has_stages",
    );
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("an empty type is deleted, with its audit entry", async () => {
    assert.equal((await call(t, "DELETE", `${STAGES}/${offer.id}`, options)).status, 204);
    const audit = await allAudit(t);
    assert.equal((await call(t, "DELETE", `${TYPES}/${uni.id}`, options)).status, 204);
    assertError(await call(t, "GET", `${TYPES}/${uni.id}`, options), 404);
    const [entry] = await newAudit(t, audit);
    assert.equal(entry.action, "delete");
    assert.equal(entry.entity_type, "application_type");
    assert.deepEqual(entry.before, uni);
  });

  await s.step("the delete rules hold at write time, not only when read", async () => {
    const admin = as(w, "superAdmin");
    const type = await create(t, TYPES, admin, { name: "Race", code: "RACE" });
    beforeNextBatch(
      t,
      () => create(t, STAGES, admin, { application_type_id: type.id, name: "Added meanwhile" }),
    );
    assertError(
      await call(t, "DELETE", `${TYPES}/${type.id}`, admin),
      409,
      "application_type_has_stages",
    );
    const [stage] = results(
      await call(t, "GET", `${STAGES}?application_type_id=${type.id}`, admin),
    );
    beforeNextBatch(t, () =>
      create(t, "/api/v1/applications", as(w, "consultant"), {
        client_id: client.id,
        application_type_id: type.id,
      }));
    assertError(
      await call(t, "DELETE", `${STAGES}/${stage.id}`, admin),
      409,
      "application_stage_in_use",
    );
    assert.equal((await call(t, "GET", `${STAGES}/${stage.id}`, admin)).status, 200);
  });

  await s.step("a type deleted after a stage create's read is 404, nothing written", async () => {
    const admin = as(w, "superAdmin");
    const type = await create(t, TYPES, admin, { name: "Gone", code: "GONE" });
    beforeNextBatch(t, () => call(t, "DELETE", `${TYPES}/${type.id}`, admin));
    const before = await tableCounts(t.db);
    assertError(
      await call(t, "POST", STAGES, {
        ...admin,
        body: { application_type_id: type.id, name: "Orphan" },
      }),
      404,
      "not_found",
    );
    const after = await tableCounts(t.db);
    assert.equal(after.application_types, before.application_types - 1);
    assert.equal(after.application_stages, before.application_stages);
  });

  await s.step("create and update are audited with the changed fields only", async () => {
    const audit = await allAudit(t);
    const type = await create(t, TYPES, as(w, "countryManager"), { name: "VET", code: "VET" });
    const stage = await create(t, STAGES, as(w, "countryManager"), {
      application_type_id: type.id,
      name: "Enquiry",
    });
    const patched = await call(t, "PATCH", `${TYPES}/${type.id}`, {
      ...as(w, "countryManager"),
      body: { name: "VET admission", code: "vet" },
    });
    assert.equal(patched.status, 200, patched.text);
    const moved = await call(t, "PATCH", `${STAGES}/${stage.id}`, {
      ...as(w, "countryManager"),
      body: { position: 3, name: "Enquiry" },
    });
    assert.equal(moved.status, 200, moved.text);
    const entries = await newAudit(t, audit);
    assert.deepEqual(entries.map((e) => [e.action, e.entity_type, e.entity_id]), [
      ["create", "application_type", type.id],
      ["create", "application_stage", stage.id],
      ["update", "application_type", type.id],
      ["update", "application_stage", stage.id],
    ]);
    assert.deepEqual(entries[0].after, type);
    assert.deepEqual(entries[2].before, { name: "VET" });
    assert.deepEqual(entries[2].after, { name: "VET admission" });
    assert.deepEqual(entries[3].before, { position: 1 });
    assert.deepEqual(entries[3].after, { position: 3 });
    assert.equal(entries[3].actor_id, w.users.countryManager.id);
    assert.equal(moved.body.updated_by, w.users.countryManager.id);
  });

  await s.step("a PATCH that changes nothing writes nothing", async () => {
    const [type] = results(await call(t, "GET", TYPES, options));
    const before = await tableCounts(t.db);
    const res = await call(t, "PATCH", `${TYPES}/${type.id}`, {
      ...options,
      body: { name: type.name, code: String(type.code).toLowerCase() },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, type);
    assert.deepEqual(await tableCounts(t.db), before);
  });

  t.close();
});
