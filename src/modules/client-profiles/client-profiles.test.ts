/**
 * Black-box tests of what every client sub-resource (passports, qualifications,
 * proficiencies, experiences, lpes, notes) shares: scope through the client,
 * records that stay under their own client, delete rights, the soft-deleted
 * client hiding its records, refused input writing nothing, audit entries, and
 * ordering with both paging modes. Each test runs over all six.
 * Rules of one resource are in client-profiles.rules.test.ts.
 * @module
 */
import assert from "node:assert/strict";
import { count, desc, getTableName, sql } from "drizzle-orm";
import type { PageQuery } from "../../lib/pagination.ts";
import { getClient } from "../clients/clients.selectors.ts";
import {
  allAudit,
  asPlatform,
  assertError,
  auditOf,
  buildWorld,
  call,
  createTestApp,
  idsOf,
  newAudit,
  type RequestOptions,
  results,
  scopeFor,
  sorted,
  tableCounts,
  TENANT_A_ROLES,
  type Who,
  type World,
} from "../../../tests/support.ts";
import {
  addRecord,
  RECORD_SPECS,
  recordsPath,
  type Row,
  setUpClients,
} from "./client-profiles.fixtures.ts";
import type { ProfileResource, ProfileRow } from "./client-profiles.resource.ts";
import {
  experiencesResource,
  lpesResource,
  notesResource,
  passportsResource,
  proficienciesResource,
  qualificationsResource,
} from "./client-profiles.resources.ts";
import { clientRecordsWhere } from "./client-profiles.selectors.ts";

const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000dead";

function as(w: World, who: Who): RequestOptions {
  return { token: w.tokens[who] };
}

/** A path relative to the app from an absolute `next` link. */
function relative(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

Deno.test("client records: every role adds, reads, lists and edits records of clients in its scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA } = await setUpClients(t, w);
  const callers: [string, RequestOptions, string][] = [
    ...TENANT_A_ROLES.map((who): [string, RequestOptions, string] => [
      who,
      as(w, who),
      w.users[who].id,
    ]),
    ["platform with X-Tenant-ID", asPlatform(w, w.tenantA.id), w.users.platform.id],
  ];
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const mine: string[] = [];
      for (const [who, options, userId] of callers) {
        const created = await addRecord(t, options, clientA.id, spec);
        assert.equal(created.client_id, clientA.id, who);
        assert.equal(created.tenant_id, w.tenantA.id, who);
        assert.equal(created.created_by, userId, who);
        const path = `${recordsPath(clientA.id, spec)}/${created.id}`;
        const got = await call(t, "GET", path, options);
        assert.equal(got.status, 200, `${who}: ${got.text}`);
        assert.deepEqual(got.body, created, who);
        const edited = await call(t, "PATCH", path, { ...options, body: spec.edit });
        assert.equal(edited.status, 200, `${who}: ${edited.text}`);
        for (const [field, value] of Object.entries(spec.edit)) {
          assert.equal(edited.body[field], value, `${who} ${field}`);
        }
        assert.equal(edited.body.updated_by, userId);
        assert.deepEqual((await call(t, "GET", path, options)).body, edited.body, who);
        mine.push(String(created.id));
      }
      for (const [who, options] of callers) {
        const list = await call(t, "GET", `${recordsPath(clientA.id, spec)}/`, options);
        assert.deepEqual(idsOf(list), sorted(...mine), `${who} lists with a trailing slash`);
        assert.equal(list.body.count, mine.length);
      }
    });
  }
  t.close();
});

Deno.test("client records: outside the caller's scope the client and its records do not exist", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA } = await setUpClients(t, w);
  const outsiders: [string, RequestOptions][] = [
    ...(["consultantA1b", "branchAdminA1b", "regionManagerA2", "consultantA2a"] as const).map((
      who,
    ): [string, RequestOptions] => [who, as(w, who)]),
    ...(["superAdminB", "countryManagerB", "branchAdminB", "consultantB"] as const).map((
      who,
    ): [string, RequestOptions] => [who, as(w, who)]),
    ["platform acting in tenant B", asPlatform(w, w.tenantB.id)],
  ];
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const record = await addRecord(t, as(w, "consultant"), clientA.id, spec);
      const list = recordsPath(clientA.id, spec);
      const item = `${list}/${record.id}`;
      const before = await tableCounts(t.db);
      const audit = await allAudit(t);
      for (const [who, options] of outsiders) {
        const listed = await call(t, "GET", list, options);
        assertError(listed, 404, "not_found");
        assert.equal(listed.body.message, "Client not found.", who);
        assertError(await call(t, "POST", list, { ...options, body: spec.body }), 404);
        assertError(await call(t, "GET", item, options), 404);
        assertError(await call(t, "PATCH", item, { ...options, body: spec.edit }), 404);
        assertError(await call(t, "DELETE", item, options), 404);
      }
      assert.deepEqual(await newAudit(t, audit), [], "only the platform's access is logged");
      const { audit_logs: _a, ...after } = await tableCounts(t.db);
      const { audit_logs: _b, ...expected } = before;
      assert.deepEqual(after, expected, "nothing written");
    });
  }

  await s.step("the platform admin without X-Tenant-ID is told to name a tenant", async () => {
    const list = recordsPath(clientA.id, RECORD_SPECS[0]);
    assertError(await call(t, "GET", list, as(w, "platform")), 400, "tenant_required");
    assertError(
      await call(t, "POST", list, { ...as(w, "platform"), body: RECORD_SPECS[0].body }),
      400,
      "tenant_required",
    );
  });

  await s.step("an unknown or malformed client id is the same 404", async () => {
    for (const clientId of [UNKNOWN_ID, "not-a-uuid"]) {
      for (const spec of RECORD_SPECS) {
        const res = await call(t, "GET", recordsPath(clientId, spec), as(w, "superAdmin"));
        assertError(res, 404, "not_found");
        assert.equal(res.body.message, "Client not found.");
      }
    }
  });

  await s.step("without a token every route is 401", async () => {
    const res = await call(t, "GET", recordsPath(clientA.id, RECORD_SPECS[0]));
    assertError(res, 401);
  });
  t.close();
});

Deno.test("client records: a record is found only under its own client's URL", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA, clientA1b, clientB } = await setUpClients(t, w);
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const ofA1b = await addRecord(t, as(w, "consultantA1b"), clientA1b.id, spec);
      const ofB = await addRecord(t, as(w, "consultantB"), clientB.id, spec);
      const ofA = await addRecord(t, as(w, "consultant"), clientA.id, spec);
      const before = await tableCounts(t.db);
      // The region manager sees both A1 branches, so only the URL keeps them apart.
      for (const who of ["consultant", "regionManager", "superAdmin"] as const) {
        for (const id of [ofA1b.id, ofB.id, UNKNOWN_ID, "x"]) {
          const item = `${recordsPath(clientA.id, spec)}/${id}`;
          const res = await call(t, "GET", item, as(w, who));
          assertError(res, 404, "not_found");
          assert.notEqual(res.body.message, "Client not found.", "the client itself exists");
          assertError(await call(t, "PATCH", item, { ...as(w, who), body: spec.edit }), 404);
          assertError(await call(t, "DELETE", item, as(w, "superAdmin")), 404);
        }
      }
      assert.deepEqual(await tableCounts(t.db), before, "nothing written");
      const listed = await call(t, "GET", recordsPath(clientA.id, spec), as(w, "regionManager"));
      assert.deepEqual(idsOf(listed), [ofA.id]);
      // Query parameters cannot point the list at another client or tenant.
      const escape =
        `client_id=${clientA1b.id}&tenant_id=${w.tenantB.id}&author_id=${w.users.consultantA1b.id}`;
      const escaped = await call(
        t,
        "GET",
        `${recordsPath(clientA.id, spec)}?${escape}`,
        as(w, "regionManager"),
      );
      assert.ok(idsOf(escaped).every((id) => id === ofA.id), escaped.text);
      assert.equal(
        (await call(
          t,
          "GET",
          `${recordsPath(clientA1b.id, spec)}/${ofA1b.id}`,
          as(w, "regionManager"),
        ))
          .status,
        200,
      );
    });
  }
  t.close();
});

Deno.test("client records: branch_admin and up delete records for good, consultants may not", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA } = await setUpClients(t, w);
  const deleters: [string, RequestOptions][] = [
    ["branchAdmin", as(w, "branchAdmin")],
    ["regionManager", as(w, "regionManager")],
    ["countryManager", as(w, "countryManager")],
    ["superAdmin", as(w, "superAdmin")],
    ["platform with X-Tenant-ID", asPlatform(w, w.tenantA.id)],
  ];
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const record = await addRecord(t, as(w, "consultant"), clientA.id, spec);
      const item = `${recordsPath(clientA.id, spec)}/${record.id}`;
      const before = await tableCounts(t.db);
      assertError(await call(t, "DELETE", item, as(w, "consultant")), 403, "forbidden");
      assert.deepEqual(await tableCounts(t.db), before, "a refused delete writes nothing");

      for (const [who, options] of deleters) {
        const doomed = await addRecord(t, as(w, "consultant"), clientA.id, spec);
        const path = `${recordsPath(clientA.id, spec)}/${doomed.id}`;
        const res = await call(t, "DELETE", path, options);
        assert.equal(res.status, 204, `${who}: ${res.text}`);
        assertError(await call(t, "GET", path, options), 404);
        const audit = await auditOf(t, res);
        const deleted = audit.filter((a) => a.action === "delete");
        assert.equal(deleted.length, 1, who);
        assert.equal(deleted[0].entity_type, spec.entityType);
        assert.equal(deleted[0].entity_id, doomed.id);
        assert.deepEqual(deleted[0].before, doomed, "the whole record is kept in the log");
        assertError(await call(t, "DELETE", path, options), 404, "not_found");
      }
      assert.equal((await call(t, "GET", item, as(w, "consultant"))).status, 200);
    });
  }
  t.close();
});

Deno.test("client records: a soft-deleted client hides all its records, and restoring it brings them back", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA } = await setUpClients(t, w);
  const items: string[] = [];
  for (const spec of RECORD_SPECS) {
    const record = await addRecord(t, as(w, "consultant"), clientA.id, spec);
    items.push(`${recordsPath(clientA.id, spec)}/${record.id}`);
  }
  const clientPath = `/api/v1/clients/${clientA.id}`;
  assert.equal((await call(t, "DELETE", clientPath, as(w, "branchAdmin"))).status, 204);

  const before = await tableCounts(t.db);
  for (const who of ["consultant", "branchAdmin", "superAdmin"] as const) {
    for (const [i, spec] of RECORD_SPECS.entries()) {
      const list = await call(t, "GET", recordsPath(clientA.id, spec), as(w, who));
      assertError(list, 404, "not_found");
      assert.equal(list.body.message, "Client not found.");
      assertError(await call(t, "GET", items[i], as(w, who)), 404);
      assertError(await call(t, "PATCH", items[i], { ...as(w, who), body: spec.edit }), 404);
      assertError(await call(t, "DELETE", items[i], as(w, who)), 404);
      assertError(
        await call(t, "POST", recordsPath(clientA.id, spec), { ...as(w, who), body: spec.body }),
        404,
      );
    }
  }
  assert.deepEqual(await tableCounts(t.db), before, "nothing written under a deleted client");

  const restored = await call(t, "POST", `${clientPath}/restore`, as(w, "branchAdmin"));
  assert.equal(restored.status, 200, restored.text);
  for (const [i, spec] of RECORD_SPECS.entries()) {
    assert.equal((await call(t, "GET", items[i], as(w, "consultant"))).status, 200, spec.path);
    const list = await call(t, "GET", recordsPath(clientA.id, spec), as(w, "consultant"));
    assert.equal(results(list).length, 1, spec.path);
  }
  t.close();
});

Deno.test("client records: bad input is 422 naming the field, and writes nothing", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA } = await setUpClients(t, w);
  const options = as(w, "consultant");
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const record = await addRecord(t, options, clientA.id, spec);
      const list = recordsPath(clientA.id, spec);
      const item = `${list}/${record.id}`;
      const before = await tableCounts(t.db);
      for (const { body, field, omits } of spec.bad) {
        const res = await call(t, "POST", list, { ...options, body });
        assertError(res, 422, "validation_error");
        const details = res.body.details as { path: string[] }[];
        if (field) {
          assert.ok(
            details.some((d) => d.path[0] === field),
            `${JSON.stringify(body)} names ${field}: ${res.text}`,
          );
        }
        if (omits) continue;
        // The same fields sent as an edit are refused as well.
        const patched = await call(t, "PATCH", item, { ...options, body });
        assertError(patched, 422, "validation_error");
      }
      const shapes = [{ ...spec.body, id: UNKNOWN_ID }, { ...spec.body, created_by: "x" }, []];
      for (const body of shapes) {
        assertError(await call(t, "POST", list, { ...options, body }), 422);
        assertError(await call(t, "PATCH", item, { ...options, body }), 422);
      }
      assertError(
        await call(t, "POST", list, {
          ...options,
          rawBody: "{",
          headers: { "content-type": "application/json" },
        }),
        400,
      );
      for (
        const query of [
          "ordering=id",
          "ordering=-passport",
          "page=0",
          "page_size=x",
          "cursor=bm9wZQ",
        ]
      ) {
        assertError(await call(t, "GET", `${list}?${query}`, options), 422);
      }
      assert.deepEqual(await tableCounts(t.db), before, "nothing written");
      assert.deepEqual((await call(t, "GET", item, options)).body, record, "record unchanged");
    });
  }
  t.close();
});

Deno.test("client records: create, update and delete each write one audit entry; an empty edit writes none", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA } = await setUpClients(t, w);
  const options = as(w, "branchAdmin");
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const list = recordsPath(clientA.id, spec);
      const created = await call(t, "POST", list, { ...options, body: spec.body });
      assert.equal(created.status, 201, created.text);
      // A passport's create also copies it onto the client (client-profiles.rules.test.ts).
      const createAudits = (await auditOf(t, created)).filter((a) =>
        a.entity_type === spec.entityType
      );
      assert.equal(createAudits.length, 1);
      const [createAudit] = createAudits;
      assert.equal(createAudit.action, "create");
      assert.equal(createAudit.entity_type, spec.entityType);
      assert.equal(createAudit.entity_id, created.body.id);
      assert.equal(createAudit.actor_id, w.users.branchAdmin.id);
      assert.deepEqual(createAudit.after, created.body);

      const item = `${list}/${created.body.id}`;
      const edited = await call(t, "PATCH", item, { ...options, body: spec.edit });
      assert.equal(edited.status, 200, edited.text);
      const [updateAudit, ...moreOnUpdate] = await auditOf(t, edited);
      assert.equal(moreOnUpdate.length, 0);
      assert.equal(updateAudit.action, "update");
      assert.equal(updateAudit.entity_id, created.body.id);
      const beforeFields: Row = {};
      for (const field of Object.keys(spec.edit)) beforeFields[field] = created.body[field];
      assert.deepEqual(updateAudit.before, beforeFields);
      assert.deepEqual(updateAudit.after, spec.edit);

      const counts = await tableCounts(t.db);
      for (const body of [{}, spec.edit]) {
        const same = await call(t, "PATCH", item, { ...options, body });
        assert.equal(same.status, 200, same.text);
        assert.deepEqual(same.body, edited.body, "unchanged, updated_at included");
        assert.deepEqual(await auditOf(t, same), []);
      }
      assert.deepEqual(await tableCounts(t.db), counts, "an edit changing nothing writes nothing");

      const deleted = await call(t, "DELETE", item, options);
      assert.equal(deleted.status, 204);
      const deleteAudit = await auditOf(t, deleted);
      assert.equal(deleteAudit.length, 1);
      assert.deepEqual(deleteAudit[0].before, edited.body);
    });
  }
  t.close();
});

Deno.test("client records: every whitelisted ordering, in page and cursor mode, nulls included", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { clientA, clientA1b } = await setUpClients(t, w);
  const options = as(w, "consultant");
  for (const spec of RECORD_SPECS) {
    await s.step(spec.path, async () => {
      const rows: Row[] = [];
      for (let n = 0; n < 7; n++) {
        rows.push(await addRecord(t, options, clientA.id, spec, spec.ordered(n)));
      }
      await addRecord(t, as(w, "consultantA1b"), clientA1b.id, spec, spec.ordered(0));
      const list = recordsPath(clientA.id, spec);
      for (const field of spec.orderings) {
        for (const ordering of [field, `-${field}`]) {
          const whole = await call(t, "GET", `${list}?ordering=${ordering}&page_size=100`, options);
          const ids = results(whole).map((r) => String(r.id));
          assert.equal(whole.body.count, 7);
          assert.deepEqual(ids, expectedOrder(rows, ordering), `${ordering} sorts nulls first`);

          const paged: string[] = [];
          let next: string | null = `${list}?ordering=${ordering}&page_size=3`;
          while (next) {
            const page = await call(t, "GET", next, options);
            paged.push(...results(page).map((r) => String(r.id)));
            next = page.body.next ? relative(String(page.body.next)) : null;
          }
          assert.deepEqual(paged, ids, `${ordering}: pages`);

          const walked: string[] = [];
          next = `${list}?ordering=${ordering}&page_size=2&cursor=`;
          while (next) {
            const page = await call(t, "GET", next, options);
            assert.equal(page.body.count, null);
            walked.push(...results(page).map((r) => String(r.id)));
            next = page.body.next ? relative(String(page.body.next)) : null;
          }
          assert.deepEqual(walked, ids, `${ordering}: cursor walk`);
        }
      }
      const past = await call(t, "GET", `${list}?page=9`, options);
      assert.deepEqual(results(past), [], "a page past the end is empty");
    });
  }
  t.close();
});

/** SQLite's order: NULLs first ascending and last descending, ties by id in the same direction. */
function expectedOrder(rows: Row[], ordering: string): string[] {
  const descending = ordering.startsWith("-");
  const field = descending ? ordering.slice(1) : ordering;
  const key = (row: Row) => row[field] as string | number | null;
  const compare = (a: Row, b: Row) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return String(a.id) < String(b.id) ? -1 : 1;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  };
  const ascending = [...rows].sort(compare).map((r) => String(r.id));
  return descending ? ascending.reverse() : ascending;
}

Deno.test("client records: /api/schema documents the five routes of each of the six, with examples", async () => {
  const t = await createTestApp();
  const doc = (await call(t, "GET", "/api/schema")).body as {
    paths: Record<
      string,
      Record<string, { summary?: string; tags?: string[]; parameters?: { name: string }[] }>
    >;
    components: { schemas: Record<string, { example?: unknown }> };
  };
  const names: Record<string, string> = {
    passports: "ClientPassport",
    qualifications: "ClientQualification",
    proficiencies: "ClientProficiency",
    experiences: "ClientExperience",
    lpes: "ClientLpe",
    notes: "ClientNote",
  };
  for (const spec of RECORD_SPECS) {
    const list = doc.paths[`/api/v1/clients/{client_id}/${spec.path}`];
    const item = doc.paths[`/api/v1/clients/{client_id}/${spec.path}/{id}`];
    assert.deepEqual(Object.keys(list).sort(), ["get", "post"], spec.path);
    assert.deepEqual(Object.keys(item).sort(), ["delete", "get", "patch"], spec.path);
    for (const operation of [...Object.values(list), ...Object.values(item)]) {
      assert.ok(operation.summary, spec.path);
      assert.equal(operation.tags?.length, 1);
      assert.ok(operation.parameters?.some((p) => p.name === "client_id"), spec.path);
    }
    assert.ok(item.get.parameters?.some((p) => p.name === "id"));
    const name = names[spec.path];
    assert.ok(doc.components.schemas[name]?.example, `${name} has an example`);
    for (const form of [`Create${name}`, `Update${name}`, `${name}Page`]) {
      assert.ok(doc.components.schemas[form], `${form} documented`);
    }
  }
  t.close();
});

Deno.test("client records: list and count queries read the client's own index, with or without statistics", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const clients = await setUpClients(t, w);
  for (const spec of RECORD_SPECS) {
    for (const client of [clients.clientA, clients.clientA1b, clients.clientA2a]) {
      for (let n = 0; n < 3; n++) {
        await addRecord(t, as(w, "superAdmin"), client.id, spec, spec.ordered(n));
      }
    }
  }
  const client = await getClient(t.db, scopeFor(w, "superAdmin"), String(clients.clientA.id));

  /** The query plans of a resource's count and of its list in every ordering, by scope level. */
  async function plans<Row extends ProfileRow, C, U extends Partial<Row>, Q extends PageQuery>(
    resource: ProfileResource<Row, C, U, Q>,
    query: Q,
  ): Promise<string[]> {
    const bad: string[] = [];
    const { table } = resource;
    const name = getTableName(table);
    for (const who of ["superAdmin", "regionManager", "consultant"] as const) {
      const where = clientRecordsWhere(t.db, scopeFor(w, who), resource, client, query);
      const queries = [
        t.db.select({ n: count() }).from(table).where(where),
        ...Object.values(resource.ordering.columns).map((column) =>
          t.db.select().from(table).where(where)
            .orderBy(...[column].flat().map((c) => desc(c)), desc(table.id)).limit(25)
        ),
      ];
      for (const q of queries) {
        const plan = await t.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${q.getSQL()}`);
        const details = plan.map((row) => row.detail).join(" | ");
        const viaClient = new RegExp(`SEARCH ${name} USING (COVERING )?INDEX ${name}_client`);
        if (!viaClient.test(details) || new RegExp(`SCAN ${name}\\b`).test(details)) {
          bad.push(`${who}: ${details}`);
        }
      }
    }
    return bad;
  }
  const everyPlan = async () => [
    ...await plans(passportsResource, {}),
    ...await plans(qualificationsResource, {}),
    ...await plans(proficienciesResource, {}),
    ...await plans(experiencesResource, {}),
    ...await plans(lpesResource, {}),
    ...await plans(notesResource, {}),
  ];

  await s.step("without statistics", async () => {
    assert.deepEqual(await everyPlan(), []);
  });
  await s.step("after ANALYZE", async () => {
    await t.db.run(sql`ANALYZE`);
    assert.deepEqual(await everyPlan(), []);
  });
  t.close();
});
