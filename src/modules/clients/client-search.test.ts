/**
 * `search=` from the in-memory copy of a scope (client-search.ts) lists exactly
 * what SQLite's own walk lists: the same clients, in the same order, with the
 * same count. A cursor page is always read in SQL, so every role's numbered
 * pages are compared with its cursor pages after each kind of write that changes
 * what a search finds, made through the API, by another instance, and in plain
 * SQL by another connection.
 * @module
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { changeVersion } from "../../db/change-version.ts";
import {
  buildWorld,
  call,
  createdClient,
  everyPage,
  pastThePoll,
  scopeFor,
  succeeded,
  type TestApp,
  twoInstances,
  type Who,
  type World,
} from "../../../tests/support.ts";
import { searchedIds, SEARCHES_BEFORE_COPY } from "./client-search.ts";
import type { ListClientsQuery } from "./clients.schemas.ts";

const BASE = "/api/v1/clients";
const ROLES: Who[] = [
  "countryManager",
  "regionManager",
  "regionManagerA2",
  "branchAdmin",
  "consultant",
  "consultantA2a",
];
/** Plain, other case, non-ASCII in either case (SQLite folds ASCII only), no match. */
const TERMS = ["karki", "KAR", "zoë", "ZOË", "ë", "Élan", "@example", "9800", "nobody"];

/** For every role, term, status and order: numbered pages (memory) = cursor pages (SQL). */
async function assertSearchesAgree(t: TestApp, w: World): Promise<void> {
  for (const who of ROLES) {
    for (const term of TERMS) {
      for (const filters of ["", "&status=active", "&ordering=created_at&status=lead"]) {
        const query = `search=${encodeURIComponent(term)}${filters}`;
        const walked = (await everyPage(t, w.tokens[who], `${BASE}?${query}&cursor=&page_size=100`))
          .ids;
        // One row a page: a full page asks the count, which must not see more rows.
        const paged = await everyPage(t, w.tokens[who], `${BASE}?${query}&page_size=1`);
        assert.deepEqual(paged.ids, walked, `${who} ?${query}`);
        assert.equal(paged.counts[0], walked.length, `${who} ?${query}`);
        // And in order within a page.
        const whole = await everyPage(t, w.tokens[who], `${BASE}?${query}`);
        assert.deepEqual(whole.ids, walked, `${who} ?${query}`);
      }
    }
  }
}

Deno.test("client search: the copy in memory lists what SQLite lists, after every write", async (s) => {
  const { a, b, url, close } = await twoInstances("leopard-client-search-");
  const outside = createClient({ url });
  try {
    const w = await buildWorld(a);
    const cm = w.tokens.countryManager;
    const { A1a, A1b, A2a } = w.branches;
    const ids: string[] = [];
    const people = [
      [A1a, "active", "Asha", "Karki", "asha@example.com"],
      [A1a, "lead", "Zoë", "Élan", null],
      [A1b, "active", "Ravi", "KARKI", null],
      [A2a, "lead", "Mina", "Karkia", "mina@example.org"],
      [A2a, "active", "Zoë", "ÉLAN", null],
      [A1a, "active", "ZOË", "Rai", null],
      // The separator of the copy's joined texts, in a name (client-search.ts).
      [A1a, "active", "Nir", "Kar\u001eki", null],
    ] as const;
    for (const [branch, status, first_name, last_name, email] of people) {
      ids.push(
        await createdClient(a, cm, { branch_id: branch.id, status, first_name, last_name, email }),
      );
    }
    await createdClient(a, w.tokens.countryManagerB, {
      first_name: "Karki",
      last_name: "Other agency",
      branch_id: w.branches.B1a.id,
    });

    await s.step("the lists it answers, and only those", async () => {
      // As a request has it: checked at the database's change version.
      const consultant = scopeFor(w, "consultant");
      const scope = { ...consultant, actor: { ...consultant.actor, version: changeVersion(a.db) } };
      const answers = async (query: Partial<ListClientsQuery>) => {
        const filters = ["search", "status", "agent_id"].filter((name) =>
          query[name as keyof ListClientsQuery] !== undefined
        );
        return (await searchedIds(a.db, scope, query as ListClientsQuery, filters)) !== undefined;
      };
      // SQLite answers a scope's first searches under a counter value, the copy then.
      for (let i = 1; i < SEARCHES_BEFORE_COPY; i++) {
        assert.equal(await answers({ search: "karki" }), false);
      }
      assert.ok(await answers({ search: "karki" }));
      assert.ok(await answers({ search: "karki", status: "active", ordering: "created_at" }));
      for (
        const other of [
          { search: " " },
          { search: "karki", cursor: "" },
          { search: "karki", ordering: "last_name" as const },
          { search: "karki", include_deleted: true },
          { search: "karki", agent_id: A1a.id },
        ]
      ) assert.equal(await answers(other), false, JSON.stringify(other));
    });
    await s.step("as created, with LIKE's case rules", async () => {
      await assertSearchesAgree(a, w);
      const found = async (term: string) =>
        (await call(a, "GET", `${BASE}?search=${encodeURIComponent(term)}`, { token: cm })).body
          .count;
      // ASCII letters in any case; é and É are different letters to LIKE.
      assert.deepEqual(
        [await found("karki"), await found("ZOë"), await found("ZOË"), await found("élan")],
        [3, 2, 1, 0],
      );
    });
    // Each write alone, then every search again: one the counter missed would
    // leave the copy stale.
    const each = async (writes: (() => Promise<unknown>)[]) => {
      for (const write of writes) {
        await write();
        await assertSearchesAgree(a, w);
      }
    };
    await s.step("a new client, a name, a status, an email", () =>
      each([
        async () =>
          ids.push(
            await createdClient(a, w.tokens.consultant, { first_name: "Tara", last_name: "Karki" }),
          ),
        () => succeeded(a, "PATCH", `${BASE}/${ids[0]}`, cm, { last_name: "Thapa" }),
        () => succeeded(a, "PATCH", `${BASE}/${ids[1]}`, cm, { status: "active" }),
        () => succeeded(a, "PATCH", `${BASE}/${ids[2]}`, cm, { email: "ravi@example.net" }),
      ]));
    await s.step("moved to another branch; soft-deleted, then restored", () =>
      each([
        () => succeeded(a, "PATCH", `${BASE}/${ids[3]}`, cm, { branch_id: A1a.id }),
        () => succeeded(a, "DELETE", `${BASE}/${ids[4]}`, w.tokens.countryManager),
        () => succeeded(a, "DELETE", `${BASE}/${ids[5]}`, w.tokens.branchAdmin),
        () => succeeded(a, "POST", `${BASE}/${ids[5]}/restore`, w.tokens.branchAdmin),
      ]));
    await s.step("a branch moved to another region takes its clients along", async () => {
      await succeeded(a, "PATCH", `/api/v1/branches/${A1b.id}`, w.tokens.superAdmin, {
        region_id: w.regions.A2.id,
      });
      await assertSearchesAgree(a, w);
    });
    await s.step("written by the other instance", () =>
      each([
        async () =>
          ids.push(
            await createdClient(b, cm, {
              first_name: "Zoë",
              last_name: "Karki",
              branch_id: A2a.id,
            }),
          ),
        () => succeeded(b, "PATCH", `${BASE}/${ids[2]}`, cm, { phone: "+977 9800 1111" }),
      ]));
    await s.step("written in plain SQL by another connection (another process)", () => {
      const outsideWrite = (sql: string, id: string) => async () => {
        await outside.execute({ sql, args: [id] });
        await pastThePoll();
      };
      return each([
        outsideWrite("UPDATE clients SET first_name = 'Karkidevi' WHERE id = ?", ids[5]),
        outsideWrite("UPDATE clients SET passport_number = 'KAR123' WHERE id = ?", ids[1]),
        outsideWrite(
          "UPDATE clients SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
          ids[6],
        ),
      ]);
    });
    await s.step("a stale copy still lists nothing outside the scope or the filters", async () => {
      const path = `${BASE}?search=stale&status=active`;
      const token = w.tokens.consultant;
      const stale: string[] = [];
      for (let i = 0; i < 3; i++) {
        stale.push(
          await createdClient(a, token, {
            first_name: "Stale",
            last_name: "Karki",
            status: "active",
          }),
        );
      }
      for (let i = 0; i < SEARCHES_BEFORE_COPY; i++) await succeeded(a, "GET", path, token);
      // Without the trigger nothing moves the counter, and the copy stays as it was.
      await outside.execute("DROP TRIGGER clients_search_update");
      const write = (sql: string, id: string) => outside.execute({ sql, args: [id] });
      await write(`UPDATE clients SET branch_id = '${A2a.id}' WHERE id = ?`, stale[0]);
      await write(
        "UPDATE clients SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
        stale[1],
      );
      await write("UPDATE clients SET status = 'lead' WHERE id = ?", stale[2]);
      await pastThePoll();
      assert.deepEqual((await succeeded(a, "GET", path, token)).results, []);
      // The copy answered: a page past the rows asks the count, which is its stale one.
      const second = await succeeded(a, "GET", `${path}&page_size=1&page=2`, token);
      assert.deepEqual([second.count, second.results], [3, []]);
    });
  } finally {
    outside.close();
    await close();
  }
});
