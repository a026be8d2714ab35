/**
 * Black-box tests of /api/v1/users: who sees whom, who creates and manages whom
 * (SPEC §2 hierarchy and scope), placement rules, deactivation and password
 * resets ending sessions, bad input, and the audit trail without secrets.
 * @module
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { type Role, ROLES } from "../../scope/roles.ts";
import {
  allAudit,
  asPlatform,
  assertError,
  type AuditRow,
  buildWorld,
  call,
  createTestApp,
  idsOf,
  newAudit,
  PASSWORD,
  type RequestOptions,
  type Res,
  results,
  tableCounts,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const BASE = "/api/v1/users";
const UNKNOWN_ID = "0193c0de-0000-7000-8000-00000000beef";
const NEW_PASSWORD = "brand-new-password-42";

type Row = Record<string, unknown>;

function userIds(w: World, ...who: Who[]): string[] {
  return who.map((name) => w.users[name].id).sort();
}

let counter = 0;
/** A valid create body for a role, with a fresh email. */
function newUser(role: Role, extra: Row = {}): Row {
  counter += 1;
  return {
    email: `new.${role}.${counter}@test.example`,
    password: PASSWORD,
    first_name: "New",
    last_name: `${role} ${counter}`,
    role,
    ...extra,
  };
}

async function create(t: TestApp, options: RequestOptions, body: Row): Promise<Row> {
  const res = await call(t, "POST", BASE, { ...options, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

type Session = { access: string; refresh: string };

async function logIn(t: TestApp, email: string, password = PASSWORD): Promise<Res> {
  return await call(t, "POST", "/api/v1/auth/login", { body: { email, password } });
}

async function session(t: TestApp, email: string, password = PASSWORD): Promise<Session> {
  const res = await logIn(t, email, password);
  assert.equal(res.status, 200, res.text);
  return { access: String(res.body.access_token), refresh: String(res.body.refresh_token) };
}

async function userRow(t: TestApp, id: string): Promise<Row> {
  const rows = await t.db.all<Row>(sql`SELECT * FROM users WHERE id = ${id}`);
  assert.equal(rows.length, 1);
  return rows[0];
}

function assertNoSecret(body: Row, text: string): void {
  assert.equal("password" in body, false, text);
  assert.equal("password_hash" in body, false, text);
  assert.equal(text.includes("scrypt$"), false, text);
}

Deno.test("users: visibility is the users placed in the caller's scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const tenantA: Who[] = [
    "superAdmin",
    "countryManager",
    "regionManager",
    "branchAdmin",
    "consultant",
    "regionManagerA2",
    "branchAdminA1b",
    "consultantA1b",
    "consultantA2a",
  ];
  const tenantB: Who[] = [
    "superAdminB",
    "countryManagerB",
    "regionManagerB",
    "branchAdminB",
    "consultantB",
  ];

  await s.step("each role lists exactly the users placed in its scope", async () => {
    const expected: [Who, Who[]][] = [
      ["superAdmin", tenantA],
      ["countryManager", tenantA],
      [
        "regionManager",
        ["regionManager", "branchAdmin", "consultant", "branchAdminA1b", "consultantA1b"],
      ],
      ["regionManagerA2", ["regionManagerA2", "consultantA2a"]],
      ["branchAdmin", ["branchAdmin", "consultant"]],
      ["consultant", ["branchAdmin", "consultant"]],
      ["branchAdminA1b", ["branchAdminA1b", "consultantA1b"]],
      ["superAdminB", tenantB],
      ["consultantB", ["branchAdminB", "consultantB"]],
    ];
    for (const [who, visible] of expected) {
      const res = await call(t, "GET", `${BASE}?page_size=100`, { token: w.tokens[who] });
      assert.deepEqual(idsOf(res), userIds(w, ...visible), who);
      assert.equal(res.body.count, visible.length, who);
    }
  });

  await s.step(
    "platform admin with X-Tenant-ID lists that tenant's users, never itself",
    async () => {
      assert.deepEqual(
        idsOf(await call(t, "GET", BASE, asPlatform(w, w.tenantA.id))),
        userIds(w, ...tenantA),
      );
      assert.deepEqual(
        idsOf(await call(t, "GET", BASE, asPlatform(w, w.tenantB.id))),
        userIds(w, ...tenantB),
      );
      assertError(
        await call(t, "GET", `${BASE}/${w.users.platform.id}`, asPlatform(w, w.tenantA.id)),
        404,
      );
    },
  );

  await s.step(
    "platform admin without X-Tenant-ID gets 400 tenant_required on every route",
    async () => {
      const token = w.tokens.platform;
      const id = w.users.superAdmin.id;
      assertError(await call(t, "GET", BASE, { token }), 400, "tenant_required");
      assertError(await call(t, "GET", `${BASE}/${id}`, { token }), 400, "tenant_required");
      assertError(
        await call(t, "POST", BASE, { token, body: newUser("super_admin") }),
        400,
        "tenant_required",
      );
      assertError(
        await call(t, "PATCH", `${BASE}/${id}`, { token, body: { first_name: "X" } }),
        400,
        "tenant_required",
      );
      assertError(await call(t, "DELETE", `${BASE}/${id}`, { token }), 400, "tenant_required");
    },
  );

  await s.step("a user in scope can be read, with no password hash", async () => {
    const res = await call(t, "GET", `${BASE}/${w.users.consultant.id}`, {
      token: w.tokens.regionManager,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email, w.users.consultant.email);
    assert.equal(res.body.role, "consultant");
    assert.equal(res.body.branch_id, w.branches.A1a.id);
    assertNoSecret(res.body, res.text);
    const list = await call(t, "GET", BASE, { token: w.tokens.superAdmin });
    for (const row of results(list)) assertNoSecret(row, list.text);
  });

  await s.step("a user outside the caller's scope is 404", async () => {
    const cases: [Who, Who][] = [
      ["regionManager", "regionManagerA2"],
      ["regionManager", "consultantA2a"],
      ["regionManager", "countryManager"],
      ["branchAdmin", "consultantA1b"],
      ["branchAdmin", "regionManager"],
      ["consultant", "branchAdminA1b"],
      ["superAdmin", "consultantB"],
      ["superAdmin", "platform"],
      ["superAdminB", "consultant"],
    ];
    for (const [who, target] of cases) {
      const res = await call(t, "GET", `${BASE}/${w.users[target].id}`, { token: w.tokens[who] });
      assertError(res, 404);
    }
  });

  await s.step("an unknown or malformed user id is 404 on every route", async () => {
    const token = w.tokens.superAdmin;
    for (const id of [UNKNOWN_ID, "not-a-uuid", "42", "%20"]) {
      assertError(await call(t, "GET", `${BASE}/${id}`, { token }), 404);
      assertError(
        await call(t, "PATCH", `${BASE}/${id}`, { token, body: { first_name: "X" } }),
        404,
      );
      assertError(await call(t, "DELETE", `${BASE}/${id}`, { token }), 404);
    }
  });

  await s.step("list filters narrow the scope, never widen it", async () => {
    const res = await call(t, "GET", `${BASE}?role=consultant&branch_id=${w.branches.A2a.id}`, {
      token: w.tokens.regionManager,
    });
    assert.deepEqual(idsOf(res), []);
    const own = await call(t, "GET", `${BASE}?role=consultant`, { token: w.tokens.regionManager });
    assert.deepEqual(idsOf(own), userIds(w, "consultant", "consultantA1b"));
    assertError(await call(t, "GET", `${BASE}?role=boss`, { token: w.tokens.superAdmin }), 422);
  });

  t.close();
});

Deno.test("users: creating follows the hierarchy, one level down", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1, A2, B1 } = w.regions;
  const { A1a, A1b, A2a, B1a } = w.branches;

  type Creator = { name: Who; options: RequestOptions; allowed: Role | null };
  const creators: Creator[] = [
    { name: "platform", options: asPlatform(w, w.tenantA.id), allowed: "super_admin" },
    { name: "superAdmin", options: { token: w.tokens.superAdmin }, allowed: "country_manager" },
    {
      name: "countryManager",
      options: { token: w.tokens.countryManager },
      allowed: "region_manager",
    },
    { name: "regionManager", options: { token: w.tokens.regionManager }, allowed: "branch_admin" },
    { name: "branchAdmin", options: { token: w.tokens.branchAdmin }, allowed: "consultant" },
    { name: "consultant", options: { token: w.tokens.consultant }, allowed: null },
  ];
  const placementFor = (role: Role): Row =>
    role === "region_manager"
      ? { region_id: A1.id }
      : role === "branch_admin" || role === "consultant"
      ? { branch_id: A1a.id }
      : {};

  await s.step(
    "each role creates a user of the role directly below it, who can log in",
    async () => {
      const cases: [Creator, Row, Row][] = [
        [creators[0], {}, { region_id: null, branch_id: null }],
        [creators[1], {}, { region_id: null, branch_id: null }],
        [creators[2], { region_id: A2.id }, { region_id: A2.id, branch_id: null }],
        [creators[3], { branch_id: A1b.id }, { region_id: A1.id, branch_id: A1b.id }],
        [creators[4], { branch_id: A1a.id }, { region_id: A1.id, branch_id: A1a.id }],
      ];
      for (const [creator, placement, expected] of cases) {
        const body = newUser(creator.allowed!, placement);
        const user = await create(t, creator.options, body);
        assert.equal(user.role, creator.allowed, creator.name);
        assert.equal(user.email, body.email);
        assert.equal(user.tenant_id, w.tenantA.id);
        assert.equal(user.region_id, expected.region_id, creator.name);
        assert.equal(user.branch_id, expected.branch_id, creator.name);
        assert.equal(user.is_active, true);
        assert.equal(user.created_by, w.users[creator.name].id);
        assertNoSecret(user, JSON.stringify(user));
        const me = await call(t, "GET", "/api/v1/auth/me", {
          token: (await session(t, String(body.email))).access,
        });
        assert.equal(me.status, 200, me.text);
        assert.equal(me.body.id, user.id);
      }
    },
  );

  await s.step("no role creates a user of any other role (403)", async () => {
    for (const creator of creators) {
      for (const role of ROLES) {
        if (role === creator.allowed) continue;
        const before = (await tableCounts(t.db)).users;
        const res = await call(t, "POST", BASE, {
          ...creator.options,
          body: newUser(role, placementFor(role)),
        });
        assertError(res, 403, "forbidden");
        assert.equal((await tableCounts(t.db)).users, before, `${creator.name} → ${role}`);
      }
    }
  });

  await s.step(
    "region manager cannot place a branch admin in another region's branch (404)",
    async () => {
      const before = await tableCounts(t.db);
      for (const branch of [A2a, B1a]) {
        const res = await call(t, "POST", BASE, {
          token: w.tokens.regionManager,
          body: newUser("branch_admin", { branch_id: branch.id }),
        });
        assertError(res, 404);
      }
      assert.deepEqual(await tableCounts(t.db), before);
    },
  );

  await s.step("branch admin cannot place a consultant in another branch (404)", async () => {
    const before = await tableCounts(t.db);
    for (const branch of [A1b, A2a, B1a]) {
      const res = await call(t, "POST", BASE, {
        token: w.tokens.branchAdmin,
        body: newUser("consultant", { branch_id: branch.id }),
      });
      assertError(res, 404);
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step(
    "country manager cannot place a region manager in another tenant's region (404)",
    async () => {
      const before = await tableCounts(t.db);
      for (const regionId of [B1.id, "not-a-uuid", UNKNOWN_ID]) {
        const res = await call(t, "POST", BASE, {
          token: w.tokens.countryManager,
          body: newUser("region_manager", { region_id: regionId }),
        });
        assertError(res, 404);
      }
      assert.deepEqual(await tableCounts(t.db), before);
    },
  );

  await s.step(
    "a country manager is placed on the tenant only: region_id or branch_id is 422",
    async () => {
      const before = await tableCounts(t.db);
      for (const extra of [{ region_id: A1.id }, { branch_id: A1a.id }]) {
        const res = await call(t, "POST", BASE, {
          token: w.tokens.superAdmin,
          body: newUser("country_manager", extra),
        });
        assertError(res, 422, "validation_error");
        assert.ok(Array.isArray(res.body.details), res.text);
      }
      assert.deepEqual(await tableCounts(t.db), before);
    },
  );

  await s.step("a region manager needs a region_id and no branch_id (422)", async () => {
    const before = await tableCounts(t.db);
    for (const extra of [{}, { region_id: null }, { region_id: A1.id, branch_id: A1a.id }]) {
      const res = await call(t, "POST", BASE, {
        token: w.tokens.countryManager,
        body: newUser("region_manager", extra),
      });
      assertError(res, 422, "validation_error");
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("a branch role needs a branch_id; a region_id alone is 422", async () => {
    const before = await tableCounts(t.db);
    for (const extra of [{}, { region_id: A1.id }]) {
      assertError(
        await call(t, "POST", BASE, {
          token: w.tokens.regionManager,
          body: newUser("branch_admin", extra),
        }),
        422,
        "validation_error",
      );
      assertError(
        await call(t, "POST", BASE, {
          token: w.tokens.branchAdmin,
          body: newUser("consultant", extra),
        }),
        422,
        "validation_error",
      );
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step("a region_id that is not the branch's region is 422", async () => {
    const before = await tableCounts(t.db);
    const res = await call(t, "POST", BASE, {
      token: w.tokens.superAdmin,
      body: newUser("country_manager"),
    });
    assert.equal(res.status, 201, res.text);
    const mid = await tableCounts(t.db);
    assert.equal(mid.users, before.users + 1);
    assertError(
      await call(t, "POST", BASE, {
        token: w.tokens.regionManager,
        body: newUser("branch_admin", { branch_id: A1a.id, region_id: A2.id }),
      }),
      422,
      "validation_error",
    );
    assertError(
      await call(t, "POST", BASE, {
        token: w.tokens.branchAdmin,
        body: newUser("consultant", { branch_id: A1a.id, region_id: B1.id }),
      }),
      422,
      "validation_error",
    );
    assert.deepEqual(await tableCounts(t.db), mid);
  });

  await s.step("a branch role's region follows from its branch", async () => {
    const matching = await create(
      t,
      { token: w.tokens.regionManager },
      newUser("branch_admin", { branch_id: A1a.id, region_id: A1.id }),
    );
    assert.equal(matching.region_id, A1.id);
    const implied = await create(
      t,
      { token: w.tokens.regionManager },
      newUser("branch_admin", { branch_id: A1b.id }),
    );
    assert.equal(implied.region_id, A1.id);
    assert.equal(implied.branch_id, A1b.id);
  });

  await s.step("tenant_id naming another tenant is 404; naming one's own is fine", async () => {
    const before = await tableCounts(t.db);
    for (const tenantId of [w.tenantB.id, UNKNOWN_ID, "not-a-uuid"]) {
      assertError(
        await call(t, "POST", BASE, {
          token: w.tokens.superAdmin,
          body: newUser("country_manager", { tenant_id: tenantId }),
        }),
        404,
      );
    }
    assertError(
      await call(t, "POST", BASE, {
        token: w.tokens.branchAdmin,
        body: newUser("consultant", { tenant_id: w.tenantB.id, branch_id: A1a.id }),
      }),
      404,
    );
    assert.deepEqual(await tableCounts(t.db), before);
    const own = await create(
      t,
      { token: w.tokens.superAdmin },
      newUser("country_manager", { tenant_id: w.tenantA.id }),
    );
    assert.equal(own.tenant_id, w.tenantA.id);
  });

  await s.step("a duplicate email, in any letter case, is 409 email_taken", async () => {
    const before = await tableCounts(t.db);
    for (
      const email of [
        w.users.consultant.email.toUpperCase(),
        w.users.consultantB.email,
        w.users.platform.email.replace("super", "SUPER"),
        ` ${w.users.branchAdmin.email} `,
      ]
    ) {
      const res = await call(t, "POST", BASE, {
        token: w.tokens.branchAdmin,
        body: { ...newUser("consultant", { branch_id: A1a.id }), email },
      });
      assertError(res, 409, "email_taken");
    }
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step(
    "emails are stored lower-cased, so a re-use in another case is refused",
    async () => {
      const user = await create(t, { token: w.tokens.branchAdmin }, {
        ...newUser("consultant", { branch_id: A1a.id }),
        email: "Mixed.Case@Test.Example",
      });
      assert.equal(user.email, "mixed.case@test.example");
      assertError(
        await call(t, "POST", BASE, {
          token: w.tokens.regionManager,
          body: {
            ...newUser("branch_admin", { branch_id: A1b.id }),
            email: "MIXED.case@test.example",
          },
        }),
        409,
        "email_taken",
      );
      assert.equal((await logIn(t, "MIXED.CASE@test.example")).status, 200);
    },
  );

  await s.step("platform admin with X-Tenant-ID creates a super_admin in that tenant", async () => {
    const body = newUser("super_admin");
    const user = await create(t, asPlatform(w, w.tenantB.id), body);
    assert.equal(user.tenant_id, w.tenantB.id);
    assert.equal(user.role, "super_admin");
    assert.equal(user.created_by, w.users.platform.id);
    const seen = await call(t, "GET", `${BASE}/${user.id}`, { token: w.tokens.countryManagerB });
    assert.equal(seen.status, 200, seen.text);
    assertError(await call(t, "GET", `${BASE}/${user.id}`, { token: w.tokens.superAdmin }), 404);
    const mine = await session(t, String(body.email));
    const branches = await call(t, "GET", "/api/v1/branches", { token: mine.access });
    assert.deepEqual(idsOf(branches), [B1a.id]);
  });

  await s.step(
    "platform admin acting in one tenant cannot create a user in another (404)",
    async () => {
      const before = (await tableCounts(t.db)).users;
      assertError(
        await call(t, "POST", BASE, {
          ...asPlatform(w, w.tenantB.id),
          body: newUser("super_admin", { tenant_id: w.tenantA.id }),
        }),
        404,
      );
      assert.equal((await tableCounts(t.db)).users, before);
    },
  );

  await s.step("a too short password is 422", async () => {
    const before = await tableCounts(t.db);
    const res = await call(t, "POST", BASE, {
      token: w.tokens.branchAdmin,
      body: newUser("consultant", { branch_id: A1a.id, password: "short" }),
    });
    assertError(res, 422, "validation_error");
    assert.deepEqual(await tableCounts(t.db), before);
  });

  t.close();
});

Deno.test("users: managing only strictly lower roles inside the scope", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const { A1, A2, B1 } = w.regions;
  const { A1a, A1b, A2a, B1a } = w.branches;

  // Peers in the same scope as the world's users.
  const cm2 = await create(t, { token: w.tokens.superAdmin }, newUser("country_manager"));
  const rm2 = await create(
    t,
    { token: w.tokens.countryManager },
    newUser("region_manager", { region_id: A1.id }),
  );
  const ba2 = await create(
    t,
    { token: w.tokens.regionManager },
    newUser("branch_admin", { branch_id: A1a.id }),
  );
  const c2 = await create(
    t,
    { token: w.tokens.branchAdmin },
    newUser("consultant", { branch_id: A1a.id }),
  );
  const c3 = await create(
    t,
    { token: w.tokens.branchAdmin },
    newUser("consultant", { branch_id: A1a.id }),
  );

  const patch = (who: Who, id: unknown, body: Row) =>
    call(t, "PATCH", `${BASE}/${id}`, { token: w.tokens[who], body });

  await s.step("each manager edits a lower user in its scope", async () => {
    const cases: [Who, string][] = [
      ["superAdmin", w.users.countryManager.id],
      ["countryManager", w.users.regionManager.id],
      ["regionManager", w.users.branchAdmin.id],
      ["branchAdmin", String(c2.id)],
      ["superAdmin", String(c3.id)],
      ["regionManager", w.users.consultantA1b.id],
    ];
    for (const [who, id] of cases) {
      const res = await patch(who, id, { first_name: `By ${who}`, phone: "+61 400 000 000" });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.first_name, `By ${who}`);
      assert.equal(res.body.phone, "+61 400 000 000");
      assert.equal(res.body.updated_by, w.users[who].id);
      assertNoSecret(res.body, res.text);
    }
  });

  await s.step("a peer cannot be edited or deactivated (403)", async () => {
    const cases: [Who, unknown][] = [
      ["countryManager", cm2.id],
      ["regionManager", rm2.id],
      ["branchAdmin", ba2.id],
      ["consultant", c2.id],
    ];
    for (const [who, id] of cases) {
      const before = await userRow(t, String(id));
      assertError(await patch(who, id, { first_name: "Peer" }), 403, "forbidden");
      assertError(
        await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens[who] }),
        403,
        "forbidden",
      );
      assert.deepEqual(await userRow(t, String(id)), before, who);
    }
  });

  await s.step("a higher role in scope cannot be edited or deactivated (403)", async () => {
    const cases: [Who, Who][] = [
      ["consultant", "branchAdmin"],
      ["countryManager", "superAdmin"],
    ];
    for (const [who, target] of cases) {
      const before = await userRow(t, w.users[target].id);
      assertError(await patch(who, w.users[target].id, { first_name: "Up" }), 403, "forbidden");
      assertError(
        await call(t, "DELETE", `${BASE}/${w.users[target].id}`, { token: w.tokens[who] }),
        403,
        "forbidden",
      );
      assert.deepEqual(await userRow(t, w.users[target].id), before);
    }
  });

  await s.step("a user outside the scope cannot be edited or deactivated (404)", async () => {
    const cases: [Who, Who][] = [
      ["regionManager", "consultantA2a"],
      ["regionManager", "regionManagerA2"],
      ["regionManager", "countryManager"],
      ["branchAdmin", "consultantA1b"],
      ["branchAdmin", "regionManager"],
      ["superAdmin", "consultantB"],
      ["superAdmin", "platform"],
      ["superAdminB", "consultant"],
    ];
    for (const [who, target] of cases) {
      const before = await userRow(t, w.users[target].id);
      assertError(await patch(who, w.users[target].id, { first_name: "Far" }), 404);
      assertError(
        await call(t, "DELETE", `${BASE}/${w.users[target].id}`, { token: w.tokens[who] }),
        404,
      );
      assert.deepEqual(await userRow(t, w.users[target].id), before, `${who} → ${target}`);
    }
  });

  await s.step("every user edits its own first_name, last_name and phone", async () => {
    for (
      const who of [
        "superAdmin",
        "countryManager",
        "regionManager",
        "branchAdmin",
        "consultant",
      ] as const
    ) {
      const res = await patch(who, w.users[who].id, {
        first_name: "Self",
        last_name: who,
        phone: "+1 555 0100",
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.first_name, "Self");
      assert.equal(res.body.last_name, who);
      assert.equal(res.body.phone, "+1 555 0100");
    }
  });

  await s.step(
    "no user changes its own role, activity, placement, email or password (403)",
    async () => {
      const bodies: Row[] = [
        { role: "super_admin" },
        { role: "consultant" },
        { is_active: false },
        { branch_id: A1b.id },
        { region_id: A1.id },
        { email: "me.again@test.example" },
        { password: NEW_PASSWORD },
        { first_name: "Sneaky", role: "branch_admin" },
      ];
      for (const who of ["countryManager", "regionManager", "branchAdmin", "consultant"] as const) {
        const before = await userRow(t, w.users[who].id);
        for (const body of bodies) {
          assertError(await patch(who, w.users[who].id, body), 403, "forbidden");
        }
        assertError(
          await call(t, "DELETE", `${BASE}/${w.users[who].id}`, { token: w.tokens[who] }),
          403,
          "forbidden",
        );
        assert.deepEqual(await userRow(t, w.users[who].id), before, who);
        const me = await call(t, "GET", "/api/v1/auth/me", { token: w.tokens[who] });
        assert.equal(me.status, 200, me.text);
      }
    },
  );

  await s.step("a role is never raised to or above the editor's level (403)", async () => {
    const cases: [Who, string, Row][] = [
      ["countryManager", w.users.regionManager.id, { role: "country_manager" }],
      ["countryManager", w.users.regionManager.id, { role: "super_admin" }],
      ["countryManager", w.users.consultantA2a.id, { role: "super_super_admin" }],
      ["regionManager", w.users.consultant.id, { role: "region_manager", region_id: A1.id }],
      ["regionManager", w.users.branchAdmin.id, { role: "region_manager", branch_id: null }],
      ["branchAdmin", String(c2.id), { role: "branch_admin" }],
      ["superAdmin", w.users.consultantA1b.id, { role: "super_admin" }],
    ];
    for (const [who, id, body] of cases) {
      const before = await userRow(t, id);
      assertError(await patch(who, id, body), 403, "forbidden");
      assert.deepEqual(await userRow(t, id), before, `${who}: ${JSON.stringify(body)}`);
    }
  });

  await s.step("a manager changes a role to one below its own", async () => {
    const up = await patch("regionManager", c3.id, { role: "branch_admin" });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.body.role, "branch_admin");
    assert.equal(up.body.branch_id, A1a.id);
    // Now a peer of the branch admin, who no longer manages it.
    assertError(await patch("branchAdmin", c3.id, { first_name: "Peer now" }), 403, "forbidden");
    const down = await patch("regionManager", ba2.id, { role: "consultant" });
    assert.equal(down.status, 200, down.text);
    assert.equal(down.body.role, "consultant");
    const promoted = await patch("countryManager", w.users.consultantA2a.id, {
      role: "region_manager",
      region_id: A2.id,
    });
    assert.equal(promoted.status, 200, promoted.text);
    assert.equal(promoted.body.region_id, A2.id);
    assert.equal(promoted.body.branch_id, null);
  });

  await s.step("a move inside the editor's scope works and takes effect at once", async () => {
    const res = await patch("regionManager", w.users.consultant.id, { branch_id: A1b.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.branch_id, A1b.id);
    assert.equal(res.body.region_id, A1.id);
    const branches = await call(t, "GET", "/api/v1/branches", { token: w.tokens.consultant });
    assert.deepEqual(idsOf(branches), [A1b.id]);
    assertError(
      await call(t, "GET", `${BASE}/${w.users.consultant.id}`, { token: w.tokens.branchAdmin }),
      404,
    );
    const region = await patch("countryManager", rm2.id, { region_id: A2.id });
    assert.equal(region.status, 200, region.text);
    assert.equal(region.body.region_id, A2.id);
  });

  await s.step(
    "a branch user moved to a branch of another region takes that branch's region",
    async () => {
      const res = await patch("superAdmin", w.users.consultantA1b.id, { branch_id: A2a.id });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.branch_id, A2a.id);
      assert.equal(res.body.region_id, A2.id);
      const row = await userRow(t, w.users.consultantA1b.id);
      assert.equal(row.region_id, A2.id);
      const seen = await call(t, "GET", `${BASE}/${w.users.consultantA1b.id}`, {
        token: w.tokens.regionManagerA2,
      });
      assert.equal(seen.status, 200, seen.text);
    },
  );

  await s.step("a move outside the editor's scope is 404", async () => {
    const cases: [Who, string, Row][] = [
      ["regionManager", w.users.branchAdmin.id, { branch_id: A2a.id }],
      ["regionManager", w.users.branchAdmin.id, { branch_id: B1a.id }],
      ["branchAdmin", String(c2.id), { branch_id: A1b.id }],
      ["superAdmin", String(c2.id), { branch_id: B1a.id }],
      ["countryManager", w.users.regionManager.id, { region_id: B1.id }],
      ["countryManager", w.users.regionManager.id, { region_id: "not-a-uuid" }],
    ];
    for (const [who, id, body] of cases) {
      const before = await userRow(t, id);
      assertError(await patch(who, id, body), 404);
      assert.deepEqual(await userRow(t, id), before, `${who}: ${JSON.stringify(body)}`);
    }
  });

  await s.step("a move to a branch with a mismatching region_id is 422", async () => {
    const before = await userRow(t, String(c2.id));
    assertError(
      await patch("superAdmin", c2.id, { branch_id: A2a.id, region_id: A1.id }),
      422,
      "validation_error",
    );
    assert.deepEqual(await userRow(t, String(c2.id)), before);
  });

  await s.step("an email change to a taken address is 409 email_taken", async () => {
    const before = await userRow(t, String(c2.id));
    assertError(
      await patch("branchAdmin", c2.id, { email: w.users.consultantB.email.toUpperCase() }),
      409,
      "email_taken",
    );
    assert.deepEqual(await userRow(t, String(c2.id)), before);
    const ok = await patch("branchAdmin", c2.id, { email: "C2.Renamed@Test.Example" });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.email, "c2.renamed@test.example");
  });

  t.close();
});

Deno.test("users: deactivation and password resets end sessions at once", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);

  await s.step(
    "DELETE deactivates: the token is refused, refresh fails, login is refused",
    async () => {
      const open = await session(t, w.users.consultant.email);
      const usersBefore = (await tableCounts(t.db)).users;
      const res = await call(t, "DELETE", `${BASE}/${w.users.consultant.id}`, {
        token: w.tokens.branchAdmin,
      });
      assert.equal(res.status, 204, res.text);
      for (const token of [open.access, w.tokens.consultant]) {
        assertError(await call(t, "GET", "/api/v1/auth/me", { token }), 401);
        assertError(await call(t, "GET", "/api/v1/branches", { token }), 401);
      }
      assertError(
        await call(t, "POST", "/api/v1/auth/refresh", { body: { refresh_token: open.refresh } }),
        401,
      );
      assertError(await logIn(t, w.users.consultant.email), 401);
      // Never hard-deleted: still listed, inactive.
      assert.equal((await tableCounts(t.db)).users, usersBefore);
      const read = await call(t, "GET", `${BASE}/${w.users.consultant.id}`, {
        token: w.tokens.branchAdmin,
      });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.is_active, false);
      const inactive = await call(t, "GET", `${BASE}?is_active=false`, {
        token: w.tokens.branchAdmin,
      });
      assert.deepEqual(idsOf(inactive), [w.users.consultant.id]);
    },
  );

  await s.step("PATCH is_active=false deactivates the same way", async () => {
    const open = await session(t, w.users.consultantA1b.email);
    const res = await call(t, "PATCH", `${BASE}/${w.users.consultantA1b.id}`, {
      token: w.tokens.regionManager,
      body: { is_active: false },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.is_active, false);
    for (const token of [open.access, w.tokens.consultantA1b]) {
      assertError(await call(t, "GET", "/api/v1/auth/me", { token }), 401);
    }
    assertError(
      await call(t, "POST", "/api/v1/auth/refresh", { body: { refresh_token: open.refresh } }),
      401,
    );
    assertError(await logIn(t, w.users.consultantA1b.email), 401);
  });

  await s.step("a deactivated user can be reactivated and log in again", async () => {
    const res = await call(t, "PATCH", `${BASE}/${w.users.consultantA1b.id}`, {
      token: w.tokens.branchAdminA1b,
      body: { is_active: true },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.is_active, true);
    const again = await session(t, w.users.consultantA1b.email);
    assert.equal((await call(t, "GET", "/api/v1/auth/me", { token: again.access })).status, 200);
  });

  await s.step("deactivating an inactive user again changes nothing", async () => {
    const before = await tableCounts(t.db);
    const res = await call(t, "DELETE", `${BASE}/${w.users.consultant.id}`, {
      token: w.tokens.regionManager,
    });
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(await tableCounts(t.db), before);
  });

  await s.step(
    "a manager's new password logs in, the old one does not, old sessions end",
    async () => {
      const open = await session(t, w.users.branchAdmin.email);
      const res = await call(t, "PATCH", `${BASE}/${w.users.branchAdmin.id}`, {
        token: w.tokens.regionManager,
        body: { password: NEW_PASSWORD },
      });
      assert.equal(res.status, 200, res.text);
      assertNoSecret(res.body, res.text);
      assert.equal(res.text.includes(NEW_PASSWORD), false);
      for (const token of [open.access, w.tokens.branchAdmin]) {
        assertError(await call(t, "GET", "/api/v1/auth/me", { token }), 401);
      }
      assertError(
        await call(t, "POST", "/api/v1/auth/refresh", { body: { refresh_token: open.refresh } }),
        401,
      );
      assertError(await logIn(t, w.users.branchAdmin.email), 401);
      const fresh = await session(t, w.users.branchAdmin.email, NEW_PASSWORD);
      assert.equal((await call(t, "GET", "/api/v1/auth/me", { token: fresh.access })).status, 200);
    },
  );

  await s.step("a password change of someone else's user outside scope is 404", async () => {
    const before = await userRow(t, w.users.consultantA2a.id);
    assertError(
      await call(t, "PATCH", `${BASE}/${w.users.consultantA2a.id}`, {
        token: w.tokens.regionManager,
        body: { password: NEW_PASSWORD },
      }),
      404,
    );
    assert.deepEqual(await userRow(t, w.users.consultantA2a.id), before);
    assert.equal((await logIn(t, w.users.consultantA2a.email)).status, 200);
  });

  await s.step("a manager's new password must satisfy the password rule (422)", async () => {
    const before = await userRow(t, w.users.consultantA2a.id);
    assertError(
      await call(t, "PATCH", `${BASE}/${w.users.consultantA2a.id}`, {
        token: w.tokens.regionManagerA2,
        body: { password: "short" },
      }),
      422,
      "validation_error",
    );
    assert.deepEqual(await userRow(t, w.users.consultantA2a.id), before);
  });

  await s.step(
    "a user of a deleted branch cannot be reactivated or moved in until it is restored",
    async () => {
      const token = w.tokens.regionManagerA2;
      const id = w.users.consultantA2a.id;
      assert.equal((await call(t, "DELETE", `${BASE}/${id}`, { token })).status, 204);
      const branchPath = `/api/v1/branches/${w.branches.A2a.id}`;
      assert.equal((await call(t, "DELETE", branchPath, { token })).status, 204);
      const before = await userRow(t, id);
      const res = await call(t, "PATCH", `${BASE}/${id}`, { token, body: { is_active: true } });
      assert.ok(
        res.status === 404 || res.status === 409,
        `reactivation into a deleted branch must be refused: ${res.status} ${res.text}`,
      );
      assertError(res, res.status);
      assert.deepEqual(await userRow(t, id), before);
      assertError(await logIn(t, w.users.consultantA2a.email), 401);
      assertError(
        await call(t, "PATCH", `${BASE}/${w.users.consultantA1b.id}`, {
          token: w.tokens.superAdmin,
          body: { branch_id: w.branches.A2a.id },
        }),
        404,
      );
      assert.equal((await call(t, "POST", `${branchPath}/restore`, { token })).status, 200);
      const back = await call(t, "PATCH", `${BASE}/${id}`, { token, body: { is_active: true } });
      assert.equal(back.status, 200, back.text);
      assert.equal((await logIn(t, w.users.consultantA2a.email)).status, 200);
    },
  );

  await s.step("deactivating a user does not end its managers' sessions", async () => {
    for (const who of ["regionManager", "branchAdminA1b", "superAdmin"] as const) {
      assert.equal(
        (await call(t, "GET", "/api/v1/auth/me", { token: w.tokens[who] })).status,
        200,
        who,
      );
    }
  });

  t.close();
});

Deno.test("users: bad input is refused and writes nothing", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const token = w.tokens.branchAdmin;
  const target = w.users.consultant.id;
  const valid = () => newUser("consultant", { branch_id: w.branches.A1a.id });
  const routes: [string, string][] = [["POST", BASE], ["PATCH", `${BASE}/${target}`]];

  async function refused(
    method: string,
    path: string,
    options: RequestOptions,
    status: number,
    code?: string,
  ): Promise<Res> {
    const before = await tableCounts(t.db);
    const row = await userRow(t, target);
    const res = await call(t, method, path, { token, ...options });
    assertError(res, status, code);
    assert.deepEqual(await tableCounts(t.db), before, `${method} ${path} wrote rows`);
    assert.deepEqual(await userRow(t, target), row, `${method} ${path} changed the user`);
    return res;
  }

  await s.step("malformed JSON is 400 malformed_json", async () => {
    for (const [method, path] of routes) {
      for (const rawBody of ["{", '{"email": ', "nope"]) {
        await refused(
          method,
          path,
          { rawBody, headers: { "content-type": "application/json" } },
          400,
          "malformed_json",
        );
      }
    }
  });

  await s.step("wrong types on POST are 422 validation_error with details", async () => {
    const bodies: Row[] = [
      { ...valid(), email: 5 },
      { ...valid(), email: "not-an-email" },
      { ...valid(), role: "boss" },
      { ...valid(), first_name: "" },
      { ...valid(), last_name: null },
      { ...valid(), password: 12345678901 },
      { ...valid(), branch_id: 7 },
      { ...valid(), phone: "x".repeat(41) },
    ];
    for (const body of bodies) {
      const res = await refused("POST", BASE, { body }, 422, "validation_error");
      assert.ok(Array.isArray(res.body.details) && res.body.details.length > 0, res.text);
    }
    const { email: _e, ...missing } = valid();
    await refused("POST", BASE, { body: missing }, 422, "validation_error");
  });

  await s.step("wrong types on PATCH are 422 validation_error with details", async () => {
    const bodies: Row[] = [
      { is_active: "no" },
      { is_active: 0 },
      { role: "boss" },
      { first_name: 3 },
      { email: "x" },
      { password: "short" },
      { branch_id: 9 },
    ];
    for (const body of bodies) {
      const res = await refused("PATCH", `${BASE}/${target}`, { body }, 422, "validation_error");
      assert.ok(Array.isArray(res.body.details) && res.body.details.length > 0, res.text);
    }
  });

  await s.step("a JSON body that is not an object is 422", async () => {
    for (const [method, path] of routes) {
      await refused(method, path, { body: ["email"] }, 422, "validation_error");
      await refused(method, path, { body: "text" }, 422, "validation_error");
    }
  });

  await s.step("unknown fields are 422", async () => {
    for (const extra of [{ password_hash: "x" }, { is_superuser: true }, { created_by: target }]) {
      await refused("POST", BASE, { body: { ...valid(), ...extra } }, 422, "validation_error");
    }
    for (
      const extra of [
        { tenant_id: w.tenantB.id },
        { password_hash: "x" },
        { last_login: null },
        { id: target },
      ]
    ) {
      await refused(
        "PATCH",
        `${BASE}/${target}`,
        { body: { first_name: "Ok", ...extra } },
        422,
        "validation_error",
      );
    }
  });

  await s.step("a text/plain or form body is 415", async () => {
    await refused(
      "POST",
      BASE,
      { rawBody: JSON.stringify(valid()), headers: { "content-type": "text/plain" } },
      415,
    );
    await refused(
      "POST",
      BASE,
      {
        rawBody: "email=a%40b.test&role=consultant",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      415,
    );
    await refused(
      "PATCH",
      `${BASE}/${target}`,
      {
        rawBody: JSON.stringify({ first_name: "Plain" }),
        headers: { "content-type": "text/plain" },
      },
      415,
    );
  });

  t.close();
});

Deno.test("users: an oversize body is 413 and writes nothing", async (s) => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);

  await s.step("POST and PATCH with a body over the limit are 413", async () => {
    const before = await tableCounts(t.db);
    const row = await userRow(t, w.users.consultant.id);
    const big = "x".repeat(2000);
    const post = await call(t, "POST", BASE, {
      token: w.tokens.branchAdmin,
      body: newUser("consultant", { branch_id: w.branches.A1a.id, last_name: big }),
    });
    assertError(post, 413);
    const patch = await call(t, "PATCH", `${BASE}/${w.users.consultant.id}`, {
      token: w.tokens.branchAdmin,
      body: { first_name: big },
    });
    assertError(patch, 413);
    assert.deepEqual(await tableCounts(t.db), before);
    assert.deepEqual(await userRow(t, w.users.consultant.id), row);
  });

  t.close();
});

Deno.test("users: each write leaves one audit row, with no secret in it", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  let id = "";
  let lastName = "";

  async function only(before: AuditRow[]): Promise<AuditRow> {
    const rows = await newAudit(t, before);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].entity_type, "user");
    assert.equal(rows[0].tenant_id, w.tenantA.id);
    return rows[0];
  }

  await s.step("create writes one 'create' row without the password", async () => {
    const before = await allAudit(t);
    const body = newUser("consultant", { branch_id: w.branches.A1a.id });
    const user = await create(t, { token: w.tokens.branchAdmin }, body);
    id = String(user.id);
    lastName = String(body.last_name);
    const row = await only(before);
    assert.equal(row.action, "create");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.branchAdmin.id);
    assert.equal(row.actor_role, "branch_admin");
    assert.equal(row.before, null);
    assert.equal(row.after?.email, body.email);
    assert.equal(row.after?.role, "consultant");
    assert.equal(row.after?.branch_id, w.branches.A1a.id);
    assert.equal(row.after !== null && "password" in row.after, false);
    assert.equal(row.after !== null && "password_hash" in row.after, false);
  });

  await s.step("an edit writes one 'update' row with only the changed fields", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.regionManager,
      body: { last_name: "Changed", phone: "" },
    });
    assert.equal(res.status, 200, res.text);
    const row = await only(before);
    assert.equal(row.action, "update");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.regionManager.id);
    assert.deepEqual(row.before, { last_name: lastName });
    assert.deepEqual(row.after, { last_name: "Changed" });
  });

  await s.step("a move records the placement change only", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.superAdmin,
      body: { branch_id: w.branches.A2a.id },
    });
    assert.equal(res.status, 200, res.text);
    const row = await only(before);
    assert.equal(row.action, "update");
    assert.deepEqual(row.before, { region_id: w.regions.A1.id, branch_id: w.branches.A1a.id });
    assert.deepEqual(row.after, { region_id: w.regions.A2.id, branch_id: w.branches.A2a.id });
  });

  await s.step("a self-edit is audited under the user itself", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${w.users.consultant.id}`, {
      token: w.tokens.consultant,
      body: { first_name: "Me" },
    });
    assert.equal(res.status, 200, res.text);
    const row = await only(before);
    assert.equal(row.actor_id, w.users.consultant.id);
    assert.equal(row.entity_id, w.users.consultant.id);
    assert.deepEqual(row.before, { first_name: "consultant" });
    assert.deepEqual(row.after, { first_name: "Me" });
  });

  await s.step("a password reset writes one 'password_set' row without the password", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.countryManager,
      body: { password: NEW_PASSWORD },
    });
    assert.equal(res.status, 200, res.text);
    const row = await only(before);
    assert.equal(row.action, "password_set");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.countryManager.id);
    assert.deepEqual(row.before, {});
    assert.deepEqual(row.after, { password_changed: true });
  });

  await s.step("a password reset with an edit is one 'update' row", async () => {
    const before = await allAudit(t);
    const res = await call(t, "PATCH", `${BASE}/${id}`, {
      token: w.tokens.countryManager,
      body: { password: `${NEW_PASSWORD}-2`, first_name: "Again" },
    });
    assert.equal(res.status, 200, res.text);
    const row = await only(before);
    assert.equal(row.action, "update");
    assert.deepEqual(row.before, { first_name: "New" });
    assert.deepEqual(row.after, { first_name: "Again", password_changed: true });
  });

  await s.step("DELETE writes one 'deactivate' row", async () => {
    const before = await allAudit(t);
    const res = await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens.superAdmin });
    assert.equal(res.status, 204, res.text);
    const row = await only(before);
    assert.equal(row.action, "deactivate");
    assert.equal(row.entity_id, id);
    assert.equal(row.actor_id, w.users.superAdmin.id);
    assert.deepEqual(row.before, { is_active: true });
    assert.deepEqual(row.after, { is_active: false });
  });

  await s.step(
    "PATCH is_active=false writes one 'deactivate' row, reactivation an 'update'",
    async () => {
      let before = await allAudit(t);
      const off = await call(t, "PATCH", `${BASE}/${w.users.consultantA1b.id}`, {
        token: w.tokens.branchAdminA1b,
        body: { is_active: false },
      });
      assert.equal(off.status, 200, off.text);
      let row = await only(before);
      assert.equal(row.action, "deactivate");
      assert.deepEqual(row.before, { is_active: true });
      assert.deepEqual(row.after, { is_active: false });
      before = await allAudit(t);
      const on = await call(t, "PATCH", `${BASE}/${w.users.consultantA1b.id}`, {
        token: w.tokens.branchAdminA1b,
        body: { is_active: true },
      });
      assert.equal(on.status, 200, on.text);
      row = await only(before);
      assert.equal(row.action, "update");
      assert.deepEqual(row.after, { is_active: true });
    },
  );

  await s.step("refused and no-op writes leave no audit row", async () => {
    const before = await allAudit(t);
    await call(t, "PATCH", `${BASE}/${w.users.branchAdmin.id}`, {
      token: w.tokens.consultant,
      body: { first_name: "X" },
    });
    await call(t, "POST", BASE, { token: w.tokens.consultant, body: newUser("consultant") });
    await call(t, "PATCH", `${BASE}/${w.users.consultant.id}`, {
      token: w.tokens.consultant,
      body: { role: "branch_admin" },
    });
    await call(t, "PATCH", `${BASE}/${w.users.consultant.id}`, {
      token: w.tokens.consultant,
      body: { first_name: "Me" },
    });
    await call(t, "DELETE", `${BASE}/${id}`, { token: w.tokens.superAdmin });
    assert.equal((await newAudit(t, before)).length, 0);
  });

  await s.step("a platform admin's user creation is audited under its own id", async () => {
    const before = await allAudit(t);
    const body = newUser("super_admin");
    const user = await create(t, asPlatform(w, w.tenantA.id), body);
    const row = await only(before);
    assert.equal(row.action, "create");
    assert.equal(row.entity_id, user.id);
    assert.equal(row.actor_id, w.users.platform.id);
    assert.equal(row.actor_role, "super_super_admin");
  });

  await s.step("no audit row holds a password or a password hash", async () => {
    const hashes = (await t.db.all<{ h: string }>(sql`SELECT password_hash AS h FROM users`))
      .map((r) => r.h);
    const texts = await t.db.all<{ b: string | null; a: string | null }>(
      sql`SELECT before AS b, after AS a FROM audit_logs`,
    );
    assert.ok(texts.length > 0);
    for (const { b, a } of texts) {
      for (const text of [b ?? "", a ?? ""]) {
        assert.doesNotMatch(text, /"password(_hash)?"\s*:/, text);
        assert.equal(text.includes("scrypt$"), false, text);
        for (const secret of [PASSWORD, NEW_PASSWORD, ...hashes]) {
          assert.equal(text.includes(secret), false, text);
        }
      }
    }
  });

  t.close();
});
