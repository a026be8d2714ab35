/**
 * Rate limits through the API with the injected clock: per user and per tenant
 * when authenticated, per IP when anonymous, a token bucket with no window edge,
 * the draft-standard headers, and nothing written by a refused request.
 */
import assert from "node:assert/strict";
import {
  assertError,
  buildWorld,
  call,
  countRows,
  createTestApp,
  insertUser,
  login,
  type Res,
} from "../../tests/support.ts";

const fromOffice = { "x-test-ip": "203.0.113.7" };

function limitHeaders(res: Res) {
  return {
    limit: Number(res.headers.get("ratelimit-limit")),
    remaining: Number(res.headers.get("ratelimit-remaining")),
    reset: Number(res.headers.get("ratelimit-reset")),
  };
}

Deno.test("an office of 30 behind one IP making 200 calls each in a minute is never limited", async () => {
  const t = await createTestApp({
    rateLimitPerMinute: 300,
    tenantRateLimitPerMinute: 12_000,
    anonRateLimitPerMinute: 120,
  });
  const w = await buildWorld(t);
  const place = {
    tenantId: w.tenantA.id,
    regionId: w.regions.A1.id,
    branchId: w.branches.A1a.id,
  };
  const tokens: string[] = [];
  for (let i = 0; i < 30; i++) {
    const user = await insertUser(t.db, "consultant", place, `office.${i}@a.test`);
    const res = await call(t, "POST", "/api/v1/auth/login", {
      body: { email: user.email, password: "test-password-123" },
      headers: fromOffice,
    });
    assert.equal(res.status, 200, res.text);
    tokens.push(res.body.access_token as string);
  }
  const statuses = new Map<number, number>();
  for (let round = 0; round < 200; round++) {
    t.advance(60_000 / 200);
    const answers = await Promise.all(
      tokens.map((token) => call(t, "GET", "/api/v1/clients/", { token, headers: fromOffice })),
    );
    for (const res of answers) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  assert.deepEqual([...statuses], [[200, 6000]]);
  t.close();
});

Deno.test("one user gets 429 on call RATE_LIMIT_PER_MINUTE + 1, with Retry-After and RateLimit-*", async (s) => {
  const t = await createTestApp({ rateLimitPerMinute: 20 });
  const w = await buildWorld(t);

  await s.step("every answer carries the limit, counting down", async () => {
    for (let i = 1; i <= 20; i++) {
      const res = await call(t, "GET", "/api/v1/auth/me", {
        token: w.tokens.consultant,
        headers: { "x-test-ip": `10.1.0.${i}` },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(limitHeaders(res), { limit: 20, remaining: 20 - i, reset: 3 * i });
    }
  });
  await s.step("the next is refused, whatever the IP", async () => {
    const refused = await call(t, "GET", "/api/v1/auth/me", {
      token: w.tokens.consultant,
      headers: { "x-test-ip": "10.9.0.1" },
    });
    assertError(refused, 429, "rate_limited");
    assert.equal(refused.headers.get("retry-after"), "3");
    assert.deepEqual(limitHeaders(refused), { limit: 20, remaining: 0, reset: 60 });
  });
  await s.step("another user of the same IP and tenant is not affected", async () => {
    const other = await call(t, "GET", "/api/v1/auth/me", {
      token: w.tokens.branchAdmin,
      headers: { "x-test-ip": "10.1.0.1" },
    });
    assert.equal(other.status, 200);
  });
  await s.step("Retry-After is the truth: one more fits after it", async () => {
    t.advance(3_000);
    const res = await call(t, "GET", "/api/v1/auth/me", { token: w.tokens.consultant });
    assert.equal(res.status, 200, res.text);
    assert.equal(limitHeaders(res).remaining, 0);
  });
  t.close();
});

Deno.test("no window edge: a burst just before a minute turns is not doubled just after", async () => {
  const t = await createTestApp({ rateLimitPerMinute: 10 });
  const w = await buildWorld(t);
  const me = () => call(t, "GET", "/api/v1/auth/me", { token: w.tokens.consultant });
  // Put the clock 100 ms before a minute boundary, where a fixed window would reset.
  t.advance(60_000 - (t.deps.clock().getTime() % 60_000) - 100);
  const before = await Promise.all(Array.from({ length: 10 }, me));
  assert.deepEqual(before.map((r) => r.status), Array(10).fill(200));
  t.advance(200);
  const after = await Promise.all(Array.from({ length: 10 }, me));
  assert.deepEqual(after.map((r) => r.status), Array(10).fill(429), "a fixed window lets 10 more");
  // The bucket refills steadily: one request every 6 s, not ten at once.
  t.advance(6_000);
  const refilled = await Promise.all(Array.from({ length: 3 }, me));
  // Concurrent: which of the three gets the one token is up to the scheduler.
  assert.deepEqual(refilled.map((r) => r.status).sort(), [200, 429, 429]);
  t.close();
});

Deno.test("a tenant's users share the tenant's limit; other tenants and platform are apart", async () => {
  const t = await createTestApp({ rateLimitPerMinute: 100, tenantRateLimitPerMinute: 10 });
  const w = await buildWorld(t);
  for (let i = 0; i < 5; i++) {
    for (const token of [w.tokens.consultant, w.tokens.regionManager]) {
      assert.equal((await call(t, "GET", "/api/v1/auth/me", { token })).status, 200);
    }
  }
  const refused = await call(t, "GET", "/api/v1/auth/me", { token: w.tokens.superAdmin });
  assertError(refused, 429, "rate_limited");
  assert.equal(limitHeaders(refused).limit, 10, "the headers name the tenant's limit");
  assert.equal(
    (await call(t, "GET", "/api/v1/auth/me", { token: w.tokens.consultantB })).status,
    200,
  );
  assert.equal((await call(t, "GET", "/api/v1/tenants", { token: w.tokens.platform })).status, 200);
  t.close();
});

Deno.test("anonymous calls and refused credentials count per IP; signed-in calls never do", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  t.deps.config.anonRateLimitPerMinute = 5;
  const flood = { "x-test-ip": "198.51.100.9" };

  await s.step("health, JWKS and docs from one IP share its limit", async () => {
    const paths = ["/health", "/.well-known/jwks.json", "/api/schema", "/health/", "/health"];
    for (const path of paths) {
      const res = await call(t, "GET", path, { headers: flood });
      assert.equal(res.status, 200, path);
      assert.equal(limitHeaders(res).limit, 5);
    }
    const refused = await call(t, "GET", "/health", { headers: flood });
    assertError(refused, 429, "rate_limited");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.equal(
      (await call(t, "GET", "/health", { headers: { "x-test-ip": "10.0.0.2" } })).status,
      200,
    );
  });
  await s.step("staff signed in behind that IP still work", async () => {
    const res = await call(t, "GET", "/api/v1/clients", {
      token: w.tokens.consultant,
      headers: flood,
    });
    assert.equal(res.status, 200, res.text);
  });
  await s.step("a bogus bearer on an anonymous route is still anonymous", async () => {
    const res = await call(t, "GET", "/health", { token: "not-a-token", headers: flood });
    assertError(res, 429, "rate_limited");
  });
  await s.step("guessing tokens costs the IP", async () => {
    const guesser = { "x-test-ip": "198.51.100.10" };
    for (let i = 0; i < 5; i++) {
      assertError(
        await call(t, "GET", "/api/v1/clients", { token: `guess-${i}`, headers: guesser }),
        401,
      );
    }
    const refused = await call(t, "GET", "/api/v1/clients", { token: "guess-6", headers: guesser });
    assertError(refused, 429, "rate_limited");
  });
  t.close();
});

Deno.test("a refused request writes nothing", async () => {
  const t = await createTestApp({ rateLimitPerMinute: 1 });
  const w = await buildWorld(t);
  const create = () =>
    call(t, "POST", "/api/v1/clients", {
      token: w.tokens.consultant,
      body: { first_name: "Asha", last_name: "Karki" },
    });
  assert.equal((await create()).status, 201);
  const clients = await countRows(t.db, "clients");
  const audit = await countRows(t.db, "audit_logs");
  assertError(await create(), 429, "rate_limited");
  assert.equal(await countRows(t.db, "clients"), clients);
  assert.equal(await countRows(t.db, "audit_logs"), audit);
  t.close();
});

Deno.test("login with rate limits on: an office of 30 logs in at nine from one IP", async () => {
  const t = await createTestApp({ anonRateLimitPerMinute: 120, loginRateLimitPerMinute: 10 });
  const w = await buildWorld(t);
  const place = { tenantId: w.tenantA.id, regionId: w.regions.A1.id, branchId: w.branches.A1a.id };
  for (let i = 0; i < 30; i++) {
    const user = await insertUser(t.db, "consultant", place, `nine.${i}@a.test`);
    await login(t, user.email);
  }
  t.close();
});
