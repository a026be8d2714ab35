/**
 * Black-box tests of the rules one client sub-resource has on its own: the
 * current passport copied onto the client, language test score scales, an LPE
 * citing only its own client's proficiency, date order, note authorship and
 * timing, and each resource's list filters.
 * @module
 */
import assert from "node:assert/strict";
import {
  asPlatform,
  assertError,
  auditOf,
  buildWorld,
  call,
  createTestApp,
  idsOf,
  insertUser,
  login,
  type RequestOptions,
  type Res,
  results,
  sorted,
  tableCounts,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";
import {
  addClient,
  addRecord,
  RECORD_SPECS,
  recordsPath,
  type Row,
} from "./client-profiles.fixtures.ts";

function as(w: World, who: Who): RequestOptions {
  return { token: w.tokens[who] };
}

const spec = (path: string) => RECORD_SPECS.find((s) => s.path === path)!;

/** Lists a client's records with a query string, returning the ids (sorted). */
async function listIds(
  t: TestApp,
  options: RequestOptions,
  clientId: unknown,
  path: string,
  query: string,
): Promise<string[]> {
  return idsOf(await call(t, "GET", `${recordsPath(clientId, spec(path))}?${query}`, options));
}

/** A code-point comparison, locale-independent. */
function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fieldsNamed(res: Res): string[] {
  return (res.body.details as { path: string[] }[]).map((d) => d.path[0]);
}

Deno.test("passports: the current passport is copied onto the client, and only one is current", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "consultant");
  const client = await addClient(t, options, {
    passport_number: "OLD1",
    passport_expiry_date: "2026-01-01",
  });
  const list = recordsPath(client.id, spec("passports"));
  const getClient = async () =>
    (await call(t, "GET", `/api/v1/clients/${client.id}`, options)).body;
  const getPassport = async (id: unknown) => (await call(t, "GET", `${list}/${id}`, options)).body;
  const audits = async (res: Res) =>
    (await auditOf(t, res)).map((a) => ({
      type: a.entity_type,
      id: a.entity_id,
      action: a.action,
      before: a.before,
      after: a.after,
    })).sort((a, b) => byKey(`${a.type} ${a.id}`, `${b.type} ${b.id}`));

  let first: Row = {};
  let second: Row = {};

  await s.step(
    "a new passport is current by default and is copied onto the client, audited in the same batch",
    async () => {
      const res = await call(t, "POST", list, {
        ...options,
        body: { passport_number: " pa111 ", country: "np", expiry_date: "2031-08-01" },
      });
      assert.equal(res.status, 201, res.text);
      first = res.body;
      assert.equal(first.is_current, true);
      assert.equal(first.passport_number, "PA111");
      assert.equal(first.country, "NP");
      const c = await getClient();
      assert.equal(c.passport_number, "PA111");
      assert.equal(c.passport_expiry_date, "2031-08-01");
      assert.equal(c.updated_by, w.users.consultant.id);
      const logged = await audits(res);
      assert.deepEqual(logged.map((a) => [a.type, a.action]), [
        ["client", "update"],
        ["client_passport", "create"],
      ]);
      assert.deepEqual(logged[0].before, {
        passport_number: "OLD1",
        passport_expiry_date: "2026-01-01",
      });
      assert.deepEqual(logged[0].after, {
        passport_number: "PA111",
        passport_expiry_date: "2031-08-01",
      });
    },
  );

  await s.step(
    "a second current passport makes the first not current, with an entry for each change",
    async () => {
      const res = await call(t, "POST", list, {
        ...options,
        body: { passport_number: "PB222", country: "NP", expiry_date: "2035-01-01" },
      });
      assert.equal(res.status, 201, res.text);
      second = res.body;
      assert.equal((await getPassport(first.id)).is_current, false);
      assert.equal((await getClient()).passport_number, "PB222");
      const logged = await audits(res);
      assert.deepEqual(
        logged.map((a) => [a.type, a.id, a.action]),
        [
          ["client", client.id, "update"],
          ["client_passport", first.id, "update"],
          ["client_passport", second.id, "create"],
        ].sort((a, b) => byKey(`${a[0]} ${a[1]}`, `${b[0]} ${b[1]}`)),
      );
      const switchedOff = logged.find((a) => a.id === first.id)!;
      assert.deepEqual(switchedOff.before, { is_current: true });
      assert.deepEqual(switchedOff.after, { is_current: false });
      const current = await call(t, "GET", `${list}?is_current=true`, options);
      assert.deepEqual(idsOf(current), [second.id]);
    },
  );

  await s.step("a passport added as not current changes nothing else", async () => {
    const before = await getClient();
    const res = await call(t, "POST", list, {
      ...options,
      body: { passport_number: "PC333", country: "IN", is_current: false },
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(await getClient(), before);
    assert.equal((await getPassport(second.id)).is_current, true);
    assert.deepEqual((await auditOf(t, res)).map((a) => a.entity_type), ["client_passport"]);
  });

  await s.step(
    "making an older passport current again switches the other off and copies it",
    async () => {
      const res = await call(t, "PATCH", `${list}/${first.id}`, {
        ...options,
        body: { is_current: true },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.is_current, true);
      assert.equal((await getPassport(second.id)).is_current, false);
      const c = await getClient();
      assert.equal(c.passport_number, "PA111");
      assert.equal(c.passport_expiry_date, "2031-08-01");
      assert.equal((await audits(res)).length, 3, "this passport, the other one and the client");
    },
  );

  await s.step(
    "a new expiry on the current passport is copied; a notes edit does not touch the client",
    async () => {
      const renewed = await call(t, "PATCH", `${list}/${first.id}`, {
        ...options,
        body: { expiry_date: "2032-08-01" },
      });
      assert.equal(renewed.status, 200, renewed.text);
      assert.equal((await getClient()).passport_expiry_date, "2032-08-01");
      const logged = await audits(renewed);
      assert.deepEqual(logged.find((a) => a.type === "client")?.before, {
        passport_expiry_date: "2031-08-01",
      });
      const before = await getClient();
      const noted = await call(t, "PATCH", `${list}/${first.id}`, {
        ...options,
        body: { notes: "Kept by the client" },
      });
      assert.equal(noted.status, 200, noted.text);
      assert.deepEqual(await getClient(), before);
      assert.deepEqual((await auditOf(t, noted)).map((a) => a.entity_type), ["client_passport"]);
    },
  );

  await s.step("editing a passport that is not current does not touch the client", async () => {
    const before = await getClient();
    const res = await call(t, "PATCH", `${list}/${second.id}`, {
      ...options,
      body: { expiry_date: "2036-01-01" },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await getClient(), before);
  });

  await s.step("switching the current passport off leaves the client as it is", async () => {
    const before = await getClient();
    const res = await call(t, "PATCH", `${list}/${first.id}`, {
      ...options,
      body: { is_current: false },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await getClient(), before);
    assert.deepEqual(idsOf(await call(t, "GET", `${list}?is_current=true`, options)), []);
    await call(t, "PATCH", `${list}/${first.id}`, { ...options, body: { is_current: true } });
  });

  await s.step("deleting the current passport never changes the client", async () => {
    const before = await getClient();
    const res = await call(t, "DELETE", `${list}/${first.id}`, as(w, "branchAdmin"));
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(await getClient(), before);
    assert.deepEqual((await auditOf(t, res)).map((a) => a.entity_type), ["client_passport"]);
  });

  await s.step("issue after expiry is 422 and leaves client and passports untouched", async () => {
    const counts = await tableCounts(t.db);
    const clientBefore = await getClient();
    const created = await call(t, "POST", list, {
      ...options,
      body: {
        passport_number: "PD4",
        country: "NP",
        issue_date: "2030-01-02",
        expiry_date: "2030-01-01",
      },
    });
    assertError(created, 422, "validation_error");
    assert.deepEqual(fieldsNamed(created), ["expiry_date"]);
    const moved = await call(t, "PATCH", `${list}/${second.id}`, {
      ...options,
      body: { issue_date: "2040-01-01", is_current: true },
    });
    assertError(moved, 422);
    assert.deepEqual(fieldsNamed(moved), ["issue_date"], "the edit moved only issue_date");
    assert.deepEqual(await tableCounts(t.db), counts);
    assert.deepEqual(await getClient(), clientBefore);
    assert.equal((await getPassport(second.id)).is_current, false);
  });

  await s.step("filters: is_current, country, search on the number", async () => {
    const all = idsOf(await call(t, "GET", list, options));
    assert.equal(all.length, 2);
    assert.deepEqual(await listIds(t, options, client.id, "passports", "is_current=false"), all);
    assert.equal((await listIds(t, options, client.id, "passports", "country=in")).length, 1);
    assert.deepEqual(await listIds(t, options, client.id, "passports", "search=pb2"), [second.id]);
    assert.deepEqual(await listIds(t, options, client.id, "passports", "search=%25"), []);
    assertError(await call(t, "GET", `${list}?is_current=yes`, options), 422);
    assertError(await call(t, "GET", `${list}?country=Nepal`, options), 422);
  });
  t.close();
});

Deno.test("proficiencies: every score must fit its test's scale", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "consultant");
  const client = await addClient(t, options);
  const list = recordsPath(client.id, spec("proficiencies"));
  const date = { test_date: "2025-11-15" };

  const valid: Row[] = [
    { test: "ielts_academic", overall: 6.5, listening: 9, reading: 0, writing: 5.5, speaking: 7 },
    { test: "ielts_general", overall: 0 },
    { test: "pte_academic", overall: 10, listening: 90, reading: 65 },
    { test: "toefl_ibt", overall: 120, listening: 30, writing: 0 },
    { test: "cambridge_c1", overall: 80, speaking: 230 },
    { test: "oet", overall: 500, listening: 350, reading: 0 },
    { test: "other", overall: 999.5, listening: 1000 },
  ];
  const invalid: [Row, string[]][] = [
    [{ test: "ielts_academic", overall: 9.5 }, ["overall"]],
    [{ test: "ielts_academic", overall: 7, listening: 6.75, speaking: -0.5 }, [
      "listening",
      "speaking",
    ]],
    [{ test: "ielts_general", overall: 6.2 }, ["overall"]],
    [{ test: "pte_academic", overall: 9 }, ["overall"]],
    [{ test: "pte_academic", overall: 65.5, reading: 91 }, ["overall", "reading"]],
    [{ test: "toefl_ibt", overall: 121 }, ["overall"]],
    [{ test: "toefl_ibt", overall: 100, listening: 31 }, ["listening"]],
    [{ test: "toefl_ibt", overall: 99.5 }, ["overall"]],
    [{ test: "cambridge_c1", overall: 79 }, ["overall"]],
    [{ test: "cambridge_c1", overall: 190, writing: 231 }, ["writing"]],
    [{ test: "oet", overall: 501 }, ["overall"]],
    [{ test: "oet", overall: 350, reading: 350.5 }, ["reading"]],
    [{ test: "other", overall: -1 }, ["overall"]],
    [{ test: "other", overall: 10, speaking: 1000.5 }, ["speaking"]],
  ];

  await s.step("scores on each test's scale are accepted", async () => {
    for (const body of valid) {
      const res = await call(t, "POST", list, { ...options, body: { ...body, ...date } });
      assert.equal(res.status, 201, `${JSON.stringify(body)}: ${res.text}`);
    }
  });

  await s.step(
    "a score off its test's scale is 422 naming each bad field, and nothing is written",
    async () => {
      const counts = await tableCounts(t.db);
      for (const [body, fields] of invalid) {
        const res = await call(t, "POST", list, { ...options, body: { ...body, ...date } });
        assertError(res, 422, "validation_error");
        assert.deepEqual(fieldsNamed(res), fields, JSON.stringify(body));
      }
      assert.deepEqual(await tableCounts(t.db), counts);
    },
  );

  await s.step(
    "changing only the test re-checks the stored scores against the new scale",
    async () => {
      const ielts = await addRecord(t, options, client.id, spec("proficiencies"), {
        test: "ielts_academic",
        overall: 7,
        listening: 7.5,
        ...date,
      });
      const item = `${list}/${ielts.id}`;
      const counts = await tableCounts(t.db);
      const res = await call(t, "PATCH", item, { ...options, body: { test: "pte_academic" } });
      assertError(res, 422);
      assert.deepEqual(fieldsNamed(res), ["overall", "listening"]);
      const bad = await call(t, "PATCH", item, { ...options, body: { writing: 10 } });
      assert.deepEqual(fieldsNamed(bad), ["writing"]);
      assert.deepEqual(await tableCounts(t.db), counts);
      const moved = await call(t, "PATCH", item, {
        ...options,
        body: { test: "pte_academic", overall: 65, listening: 70 },
      });
      assert.equal(moved.status, 200, moved.text);
    },
  );

  await s.step("filters: test, test date range, search on the reference number", async () => {
    const taken = await addRecord(t, options, client.id, spec("proficiencies"), {
      test: "oet",
      overall: 400,
      test_date: "2024-03-01",
      reference_number: "OET-778899",
    });
    assert.equal((await listIds(t, options, client.id, "proficiencies", "test=oet")).length, 2);
    assert.deepEqual(
      await listIds(t, options, client.id, "proficiencies", "test_date_before=2024-12-31"),
      [taken.id],
    );
    assert.equal(
      (await listIds(t, options, client.id, "proficiencies", "test_date_after=2024-03-02")).length,
      valid.length + 1,
    );
    assert.deepEqual(await listIds(t, options, client.id, "proficiencies", "search=778"), [
      taken.id,
    ]);
    assertError(await call(t, "GET", `${list}?test=duolingo`, options), 422);
    assertError(await call(t, "GET", `${list}?test_date_after=2024-02-30`, options), 422);
  });
  t.close();
});

Deno.test("LPE records: a cited proficiency must be one of the same client", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "consultant");
  const client = await addClient(t, options);
  const sibling = await addClient(t, options);
  const elsewhere = await addClient(t, as(w, "consultantA1b"));
  const foreign = await addClient(t, as(w, "consultantB"));
  const proficiency = (owner: Row, who: RequestOptions) =>
    addRecord(t, who, owner.id, spec("proficiencies"));
  const own = await proficiency(client, options);
  const ofSibling = await proficiency(sibling, options);
  const ofElsewhere = await proficiency(elsewhere, as(w, "consultantA1b"));
  const ofForeign = await proficiency(foreign, as(w, "consultantB"));
  const list = recordsPath(client.id, spec("lpes"));
  const body = { evidence_type: "test_report", title: "IELTS TRF" };

  let lpe: Row = {};
  await s.step("citing the client's own proficiency is accepted", async () => {
    const res = await call(t, "POST", list, {
      ...options,
      body: { ...body, proficiency_id: own.id },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.proficiency_id, own.id);
    assert.equal(res.body.is_verified, false);
    lpe = res.body;
  });

  await s.step(
    "another client's proficiency is 404, even one the caller sees; nothing written",
    async () => {
      const counts = await tableCounts(t.db);
      for (const who of ["consultant", "superAdmin"] as const) {
        for (
          const id of [
            ofSibling.id,
            ofElsewhere.id,
            ofForeign.id,
            "0193c0de-0000-7000-8000-00000000dead",
            "x",
          ]
        ) {
          const created = await call(t, "POST", list, {
            ...as(w, who),
            body: { ...body, proficiency_id: id },
          });
          assertError(created, 404, "not_found");
          assert.equal(created.body.message, "Language proficiency not found.");
          const edited = await call(t, "PATCH", `${list}/${lpe.id}`, {
            ...as(w, who),
            body: { proficiency_id: id },
          });
          assertError(edited, 404, "not_found");
        }
      }
      assert.deepEqual(await tableCounts(t.db), counts);
      assert.equal(
        (await call(t, "GET", `${list}/${lpe.id}`, options)).body.proficiency_id,
        own.id,
      );
    },
  );

  await s.step(
    "a cited proficiency cannot be deleted (409) until the LPE lets go of it",
    async () => {
      const path = `${recordsPath(client.id, spec("proficiencies"))}/${own.id}`;
      const counts = await tableCounts(t.db);
      assertError(await call(t, "DELETE", path, as(w, "branchAdmin")), 409, "in_use");
      assert.deepEqual(await tableCounts(t.db), counts);
      const unlinked = await call(t, "PATCH", `${list}/${lpe.id}`, {
        ...options,
        body: { proficiency_id: null },
      });
      assert.equal(unlinked.status, 200, unlinked.text);
      assert.equal((await call(t, "DELETE", path, as(w, "branchAdmin"))).status, 204);
    },
  );

  await s.step(
    "filters: evidence type, verified, proficiency, search on title and issuer",
    async () => {
      const cited = await addRecord(t, options, client.id, spec("lpes"), {
        evidence_type: "test_report",
        title: "PTE score report",
        issued_by: "Pearson",
        proficiency_id: (await proficiency(client, options)).id,
        is_verified: true,
      });
      const study = await addRecord(t, options, client.id, spec("lpes"), {
        evidence_type: "english_study",
        title: "Letter from the school",
      });
      assert.deepEqual(
        await listIds(t, options, client.id, "lpes", "evidence_type=english_study"),
        [study.id],
      );
      assert.deepEqual(await listIds(t, options, client.id, "lpes", "is_verified=true"), [
        cited.id,
      ]);
      assert.deepEqual(
        await listIds(t, options, client.id, "lpes", `proficiency_id=${cited.proficiency_id}`),
        [cited.id],
      );
      assert.deepEqual(await listIds(t, options, client.id, "lpes", "search=pearson"), [cited.id]);
      assert.deepEqual(
        await listIds(t, options, client.id, "lpes", "search=letter"),
        [study.id],
      );
      assert.equal((await listIds(t, options, client.id, "lpes", "")).length, 3);
    },
  );
  t.close();
});

Deno.test("qualifications and experiences: dates in order, and their filters", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const options = as(w, "consultant");
  const client = await addClient(t, options);

  await s.step(
    "qualifications: completion on or after start; level, country and search filters",
    async () => {
      const list = recordsPath(client.id, spec("qualifications"));
      const bachelor = await addRecord(t, options, client.id, spec("qualifications"), {
        level: "bachelor",
        title: "BBS",
        institution: "Tribhuvan University",
        country: "np",
        start_date: "2016-09-01",
        completion_date: "2016-09-01",
      });
      assert.equal(bachelor.country, "NP");
      const master = await addRecord(t, options, client.id, spec("qualifications"), {
        level: "master",
        title: "Master of Professional Accounting",
        institution: "UTS",
        country: "AU",
        field_of_study: "Accounting",
      });
      const moved = await call(t, "PATCH", `${list}/${bachelor.id}`, {
        ...options,
        body: { start_date: "2017-01-01" },
      });
      assertError(moved, 422);
      assert.deepEqual(fieldsNamed(moved), ["start_date"]);
      const ended = await call(t, "PATCH", `${list}/${bachelor.id}`, {
        ...options,
        body: { completion_date: "2016-08-31" },
      });
      assert.deepEqual(fieldsNamed(ended), ["completion_date"]);
      assert.deepEqual(await listIds(t, options, client.id, "qualifications", "level=master"), [
        master.id,
      ]);
      assert.deepEqual(await listIds(t, options, client.id, "qualifications", "country=np"), [
        bachelor.id,
      ]);
      assert.deepEqual(await listIds(t, options, client.id, "qualifications", "search=account"), [
        master.id,
      ]);
      assert.deepEqual(await listIds(t, options, client.id, "qualifications", "search=tribhuvan"), [
        bachelor.id,
      ]);
      assertError(await call(t, "GET", `${list}?level=phd`, options), 422);
    },
  );

  await s.step(
    "experiences: end on or after start; ongoing, country and search filters",
    async () => {
      const list = recordsPath(client.id, spec("experiences"));
      const past = await addRecord(t, options, client.id, spec("experiences"), {
        employer: "Himalayan Bank",
        position: "Teller",
        country: "NP",
        start_date: "2018-01-01",
        end_date: "2020-07-31",
      });
      const current = await addRecord(t, options, client.id, spec("experiences"), {
        employer: "Woolworths",
        position: "Store assistant",
        country: "AU",
        start_date: "2023-02-01",
        hours_per_week: 20,
      });
      const ended = await call(t, "PATCH", `${list}/${current.id}`, {
        ...options,
        body: { end_date: "2023-01-31" },
      });
      assertError(ended, 422);
      assert.deepEqual(fieldsNamed(ended), ["end_date"]);
      assert.deepEqual(await listIds(t, options, client.id, "experiences", "ongoing=true"), [
        current.id,
      ]);
      assert.deepEqual(await listIds(t, options, client.id, "experiences", "ongoing=false"), [
        past.id,
      ]);
      assert.deepEqual(await listIds(t, options, client.id, "experiences", "country=AU"), [
        current.id,
      ]);
      assert.deepEqual(await listIds(t, options, client.id, "experiences", "search=teller"), [
        past.id,
      ]);
      assertError(await call(t, "GET", `${list}?ongoing=1`, options), 422);
    },
  );
  t.close();
});

Deno.test("notes: the caller is the author, `at` is never in the future, and only the author edits", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const colleague = await insertUser(t.db, "consultant", {
    tenantId: w.tenantA.id,
    regionId: w.regions.A1.id,
    branchId: w.branches.A1a.id,
  });
  const colleagueOptions = { token: await login(t, colleague.email) };
  const options = as(w, "consultant");
  const client = await addClient(t, options);
  const list = recordsPath(client.id, spec("notes"));

  let note: Row = {};
  await s.step("the author is the caller and `at` defaults to now", async () => {
    const res = await call(t, "POST", list, { ...options, body: { body: "Walk-in enquiry" } });
    assert.equal(res.status, 201, res.text);
    note = res.body;
    assert.equal(note.author_id, w.users.consultant.id);
    assert.equal(note.kind, "note");
    assert.equal(note.at, note.created_at);
  });

  await s.step("the author cannot be set from the body", async () => {
    const counts = await tableCounts(t.db);
    const res = await call(t, "POST", list, {
      ...options,
      body: { body: "x", author_id: w.users.branchAdmin.id },
    });
    assertError(res, 422, "validation_error");
    const edit = await call(t, "PATCH", `${list}/${note.id}`, {
      ...options,
      body: { author_id: colleague.id },
    });
    assertError(edit, 422);
    assert.deepEqual(await tableCounts(t.db), counts);
  });

  await s.step("a call logged later keeps its own time, stored as UTC", async () => {
    const res = await call(t, "POST", list, {
      ...options,
      body: { kind: "call", body: "Called about the COE", at: "2026-01-12T14:30:00+05:45" },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.at, "2026-01-12T08:45:00.000Z");
  });

  await s.step("a time in the future is 422 naming at, on create and on edit", async () => {
    const counts = await tableCounts(t.db);
    const soon = new Date(Date.now() + 120_000).toISOString();
    const res = await call(t, "POST", list, { ...options, body: { body: "x", at: soon } });
    assertError(res, 422, "validation_error");
    assert.deepEqual(fieldsNamed(res), ["at"]);
    const edit = await call(t, "PATCH", `${list}/${note.id}`, { ...options, body: { at: soon } });
    assertError(edit, 422);
    assert.deepEqual(fieldsNamed(edit), ["at"]);
    assert.deepEqual(await tableCounts(t.db), counts);
  });

  await s.step(
    "nobody but the author edits a note: 403 for a colleague and for every manager",
    async () => {
      const item = `${list}/${note.id}`;
      const counts = await tableCounts(t.db);
      const others: RequestOptions[] = [
        colleagueOptions,
        as(w, "branchAdmin"),
        as(w, "regionManager"),
        as(w, "countryManager"),
        as(w, "superAdmin"),
        asPlatform(w, w.tenantA.id),
      ];
      for (const other of others) {
        assertError(
          await call(t, "PATCH", item, { ...other, body: { body: "Rewritten" } }),
          403,
          "forbidden",
        );
        assertError(await call(t, "PATCH", item, { ...other, body: {} }), 403);
      }
      const { audit_logs: _a, ...after } = await tableCounts(t.db);
      const { audit_logs: _b, ...expected } = counts;
      assert.deepEqual(after, expected);
      const mine = await call(t, "PATCH", item, {
        ...options,
        body: { body: "Walk-in enquiry about a 500 visa", kind: "meeting" },
      });
      assert.equal(mine.status, 200, mine.text);
      assert.equal(mine.body.author_id, w.users.consultant.id);
      assert.equal(mine.body.kind, "meeting");
    },
  );

  await s.step(
    "the author (a consultant) cannot delete; a branch admin deletes anyone's note",
    async () => {
      const item = `${list}/${note.id}`;
      assertError(await call(t, "DELETE", item, options), 403, "forbidden");
      assert.equal((await call(t, "DELETE", item, as(w, "branchAdmin"))).status, 204);
      assertError(await call(t, "GET", item, options), 404);
    },
  );

  await s.step(
    "the timeline is newest first by `at`, and filters by kind, author, time and text",
    async () => {
      const t1 = await addRecord(t, options, client.id, spec("notes"), {
        kind: "email",
        body: "Sent the document checklist",
        at: "2026-01-10T09:00:00Z",
      });
      const t2 = await addRecord(t, colleagueOptions, client.id, spec("notes"), {
        kind: "meeting",
        body: "Met to sign the service agreement",
        at: "2026-01-11T09:00:00Z",
      });
      const t3 = await addRecord(t, options, client.id, spec("notes"), {
        kind: "call",
        body: "Chased the bank statement",
        at: "2025-12-24T09:00:00Z",
      });
      const all = results(await call(t, "GET", list, options));
      const ats = all.map((n) => String(n.at));
      assert.deepEqual(ats, [...ats].sort().reverse(), "newest first");
      assert.deepEqual(all.slice(-1).map((n) => n.id), [t3.id]);
      const ids = (query: string) => listIds(t, options, client.id, "notes", query);
      assert.deepEqual(await ids("kind=email"), [t1.id]);
      assert.deepEqual(await ids(`author_id=${colleague.id}`), [t2.id]);
      assert.deepEqual(
        await ids("at_after=2026-01-10T00:00:00Z&at_before=2026-01-11T09:00:00Z"),
        sorted(String(t1.id), String(t2.id)),
      );
      assert.deepEqual(await ids("at_before=2025-12-31T23:59:59%2B05:45"), [t3.id]);
      assert.deepEqual(await ids("search=CHECKLIST"), [t1.id]);
      const oldest = await call(t, "GET", `${list}?ordering=at&page_size=1`, options);
      assert.deepEqual(results(oldest).map((n) => n.id), [t3.id]);
      assertError(await call(t, "GET", `${list}?kind=sms`, options), 422);
      assertError(await call(t, "GET", `${list}?at_after=yesterday`, options), 422);
    },
  );
  t.close();
});
