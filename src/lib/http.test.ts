import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { assertError, buildWorld, call, countRows, createTestApp } from "../../tests/support.ts";
import { guard, runBatch } from "../db/batch.ts";
import { ANONYMOUS_PATHS } from "../app.ts";
import { regions } from "../db/schema/index.ts";
import { ApiError } from "./errors.ts";
import { uuidv7 } from "./ids.ts";

Deno.test("API conventions of SPEC §4", async (s) => {
  const t = await createTestApp({ corsOrigins: ["https://app.agency.example"] });
  const w = await buildWorld(t);
  const token = w.tokens.superAdmin;

  await s.step("paths work with and without a trailing slash", async () => {
    for (
      const path of ["/api/v1/regions", "/api/v1/regions/", `/api/v1/regions/${w.regions.A1.id}/`]
    ) {
      assert.equal((await call(t, "GET", path, { token })).status, 200, path);
    }
    const created = await call(t, "POST", "/api/v1/regions/", { token, body: { name: "Slash" } });
    assert.equal(created.status, 201, created.text);
  });

  await s.step("unknown paths are a JSON 404, wrong methods a JSON 405 with Allow", async () => {
    assertError(await call(t, "GET", "/api/v1/nothing-here", { token }), 404, "not_found");
    const res = await call(t, "PUT", "/api/v1/regions", { token, body: {} });
    assertError(res, 405, "method_not_allowed");
    assert.match(res.headers.get("allow") ?? "", /GET/);
    assert.match(res.headers.get("allow") ?? "", /POST/);
  });

  await s.step(
    "every response has an X-Request-ID; a well-formed incoming one is kept",
    async () => {
      const kept = await call(t, "GET", "/health", {
        headers: { "x-request-id": "trace-abc-123" },
      });
      assert.equal(kept.headers.get("x-request-id"), "trace-abc-123");
      const replaced = await call(t, "GET", "/health", {
        headers: { "x-request-id": "bad id\twith spaces" },
      });
      assert.notEqual(replaced.headers.get("x-request-id"), "bad id\twith spaces");
      assert.ok(replaced.headers.get("x-request-id"));
    },
  );

  await s.step("security headers are on every response", async () => {
    for (const res of [await call(t, "GET", "/health"), await call(t, "GET", "/api/v1/nope")]) {
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("x-frame-options"), "DENY");
      assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    }
  });

  await s.step("CORS answers only the configured origins", async () => {
    const allowed = await t.app.request("/api/v1/regions", {
      method: "OPTIONS",
      headers: { origin: "https://app.agency.example", "access-control-request-method": "GET" },
    });
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.agency.example");
    const other = await t.app.request("/api/v1/regions", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });

  await s.step(
    "a CORS answer names the headers a browser may read; no other answer does",
    async () => {
      const get = (origin?: string) =>
        call(t, "GET", "/api/v1/regions", { token, headers: origin ? { origin } : {} });
      const allowed = await get("https://app.agency.example");
      assert.equal(allowed.status, 200);
      assert.equal(
        allowed.headers.get("access-control-allow-origin"),
        "https://app.agency.example",
      );
      const exposed = (allowed.headers.get("access-control-expose-headers") ?? "").toLowerCase();
      for (const name of ["x-request-id", "retry-after", "ratelimit-remaining"]) {
        assert.ok(exposed.split(",").includes(name), `${name} in ${exposed}`);
      }
      for (const res of [await get("https://evil.example"), await get()]) {
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("access-control-allow-origin"), null);
        assert.equal(res.headers.get("access-control-expose-headers"), null);
        // A cache must not hand one origin's answer to another.
        assert.match(res.headers.get("vary") ?? "", /Origin/);
      }
    },
  );

  await s.step("bad bodies get the error shape and write nothing", async () => {
    const before = await countRows(t.db, "regions");
    const json = { "content-type": "application/json" };
    assertError(
      await call(t, "POST", "/api/v1/regions", { token, rawBody: '{"name":', headers: json }),
      400,
      "malformed_json",
    );
    assertError(
      await call(t, "POST", "/api/v1/regions", { token, rawBody: "", headers: json }),
      400,
    );
    assertError(
      await call(t, "POST", "/api/v1/regions", { token, rawBody: "[1,2]", headers: json }),
      422,
    );
    assertError(
      await call(t, "POST", "/api/v1/regions", { token, rawBody: "null", headers: json }),
      422,
    );
    assertError(
      await call(t, "POST", "/api/v1/regions", {
        token,
        rawBody: "name=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported_media_type",
    );
    const unknown = await call(t, "POST", "/api/v1/regions", {
      token,
      body: { name: "X", tenant_id: w.tenantB.id },
    });
    assertError(unknown, 422, "validation_error");
    assert.ok(Array.isArray(unknown.body.details));
    assertError(await call(t, "POST", "/api/v1/regions", { token, body: { name: 42 } }), 422);
    assert.equal(await countRows(t.db, "regions"), before);
  });

  await s.step(
    "a known query parameter with a bad value is 422; unknown ones are ignored",
    async () => {
      assertError(await call(t, "GET", "/api/v1/regions?page=0", { token }), 422);
      assertError(await call(t, "GET", "/api/v1/regions?page_size=abc", { token }), 422);
      assertError(await call(t, "GET", "/api/v1/regions?ordering=password", { token }), 422);
      assertError(await call(t, "GET", "/api/v1/regions?cursor=garbage", { token }), 422);
      assert.equal((await call(t, "GET", "/api/v1/regions?colour=blue", { token })).status, 200);
    },
  );

  await s.step("a malformed id is answered like an unknown one", async () => {
    assertError(await call(t, "GET", "/api/v1/regions/not-a-uuid", { token }), 404);
    assertError(await call(t, "GET", `/api/v1/regions/${uuidv7()}`, { token }), 404);
  });

  await s.step("one JSON log line per request, with no query string", async () => {
    t.logs.length = 0;
    await call(t, "GET", "/api/v1/users?search=Jane%20Secret", { token });
    assert.equal(t.logs.length, 1);
    const line = t.logs[0];
    assert.equal(line.path, "/api/v1/users");
    assert.equal(line.status, 200);
    assert.equal(line.user, w.users.superAdmin.id);
    assert.equal(line.tenant, w.tenantA.id);
    assert.equal(typeof line.ms, "number");
    assert.doesNotMatch(JSON.stringify(line), /Secret/);
  });

  await s.step("GET /health reports the database", async () => {
    const res = await call(t, "GET", "/health");
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "ok");
    const database = res.body.database as { reachable: boolean; latency_ms: number };
    assert.equal(database.reachable, true);
    assert.equal(typeof database.latency_ms, "number");
  });
  t.close();
});

Deno.test("a large body is refused with 413 before it is read", async () => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);
  const before = await countRows(t.db, "regions");
  const res = await call(t, "POST", "/api/v1/regions", {
    token: w.tokens.superAdmin,
    body: { name: "Big", description: "x".repeat(5000) },
  });
  assertError(res, 413, "payload_too_large");
  assert.equal(await countRows(t.db, "regions"), before);
  t.close();
});

Deno.test("OpenAPI 3.1 and Swagger UI are generated from the routes", async (s) => {
  const t = await createTestApp();

  await s.step("/api/schema documents every route with security and error responses", async () => {
    for (const path of ["/api/schema", "/api/schema/"]) {
      assert.equal((await call(t, "GET", path)).status, 200, path);
    }
    const doc = (await call(t, "GET", "/api/schema")).body as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown[];
            requestBody?: unknown;
            parameters?: unknown[];
            responses: Record<string, unknown>;
          }
        >
      >;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(doc.components.securitySchemes.bearerAuth.scheme, "bearer");
    const expected = [
      "/api/v1/tenants",
      "/api/v1/regions/{id}",
      "/api/v1/branches/{id}/restore",
      "/api/v1/users/{id}",
    ];
    for (const path of expected) assert.ok(doc.paths[path], `${path} documented`);
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!ANONYMOUS_PATHS.has(path)) {
          assert.ok(operation.security?.length, `${method} ${path} declares security`);
        }
        assert.ok(operation.responses["429"], `${method} ${path} documents 429`);
        if (operation.requestBody || operation.parameters?.length) {
          assert.ok(operation.responses["422"], `${method} ${path} documents 422`);
        }
      }
    }
  });
  await s.step("/api/docs serves Swagger UI", async () => {
    for (const path of ["/api/docs", "/api/docs/"]) {
      const res = await call(t, "GET", path);
      assert.equal(res.status, 200);
      assert.match(res.text, /swagger-ui/i);
    }
  });
  t.close();
});

Deno.test("a request's writes are one atomic batch: a failing guard leaves nothing behind", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const now = new Date().toISOString();
  const before = await countRows(t.db, "regions");
  const refused = new ApiError(409, "conflict_test", "guard failed");
  await assert.rejects(
    runBatch(t.db, [
      t.db.insert(regions).values({
        id: uuidv7(),
        tenant_id: w.tenantA.id,
        name: "Half",
        created_at: now,
        updated_at: now,
      }),
      guard(sql`1 = 0`, refused),
      t.db.insert(regions).values({
        id: uuidv7(),
        tenant_id: w.tenantA.id,
        name: "Other half",
        created_at: now,
        updated_at: now,
      }),
    ]),
    (error) => error === refused,
  );
  assert.equal(await countRows(t.db, "regions"), before, "the first insert was rolled back");

  const id = uuidv7();
  await runBatch(t.db, [
    guard(sql`1 = 1`, refused),
    t.db.insert(regions).values({
      id,
      tenant_id: w.tenantA.id,
      name: "Whole",
      created_at: now,
      updated_at: now,
    }),
  ]);
  assert.equal(await countRows(t.db, "regions"), before + 1);
  t.close();
});

Deno.test("the platform admin must name a tenant, and its access is audited", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const token = w.tokens.platform;
  assertError(await call(t, "GET", "/api/v1/regions", { token }), 400, "tenant_required");
  assertError(
    await call(t, "GET", "/api/v1/regions", { token, headers: { "x-tenant-id": uuidv7() } }),
    404,
  );
  const before = await countRows(t.db, "audit_logs");
  const res = await call(t, "GET", "/api/v1/regions", {
    token,
    headers: { "x-tenant-id": w.tenantB.id },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.count, 1);
  assert.equal(await countRows(t.db, "audit_logs"), before + 1);
  const [entry] = await t.db.all<{ action: string; tenant_id: string; actor_id: string }>(
    sql`SELECT action, tenant_id, actor_id FROM audit_logs ORDER BY id DESC LIMIT 1`,
  );
  assert.deepEqual(entry, {
    action: "platform_access",
    tenant_id: w.tenantB.id,
    actor_id: w.users.platform.id,
  });

  const ignored = await call(t, "GET", "/api/v1/regions", {
    token: w.tokens.superAdmin,
    headers: { "x-tenant-id": w.tenantB.id },
  });
  assert.deepEqual((ignored.body.results as { tenant_id: string }[]).map((r) => r.tenant_id), [
    w.tenantA.id,
    w.tenantA.id,
  ]);
  t.close();
});
