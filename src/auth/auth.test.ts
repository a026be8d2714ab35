import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import {
  assertError,
  buildWorld,
  call,
  createTestApp,
  PASSWORD,
  tableCounts,
  type TestApp,
} from "../../tests/support.ts";
import { tenants, users } from "../db/schema/index.ts";
import { generatePrivateJwk, signingKeysFromJwk } from "./keys.ts";

const ME = "/api/v1/auth/me";

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

async function loginPair(t: TestApp, email: string, password = PASSWORD) {
  return await call(t, "POST", "/api/v1/auth/login", { body: { email, password } });
}

Deno.test("login issues an EdDSA access token and a refresh token", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);

  await s.step("login answers the token pair and the user without secrets", async () => {
    const res = await loginPair(t, w.users.consultant.email.toUpperCase());
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.token_type, "Bearer");
    assert.equal(res.body.expires_in, 900);
    const user = res.body.user as Record<string, unknown>;
    assert.equal(user.id, w.users.consultant.id);
    assert.equal("password_hash" in user, false);
    assert.equal(typeof user.last_login, "string");
  });

  await s.step(
    "the access token verifies against the published JWKS with the SPEC claims",
    async () => {
      const res = await loginPair(t, w.users.branchAdmin.email);
      const jwks = await call(t, "GET", "/.well-known/jwks.json");
      assert.equal(jwks.status, 200);
      const keys = jwks.body.keys as Record<string, unknown>[];
      assert.equal(keys.length, 1);
      assert.equal("d" in keys[0], false, "the private part is never published");
      const { payload, protectedHeader } = await jwtVerify(
        res.body.access_token as string,
        createLocalJWKSet({ keys: keys as never }),
        { issuer: "leopard", audience: "leopard-api" },
      );
      assert.equal(protectedHeader.alg, "EdDSA");
      assert.equal(payload.sub, w.users.branchAdmin.id);
      assert.equal(payload.tid, w.tenantA.id);
      assert.equal(payload.rid, w.regions.A1.id);
      assert.equal(payload.bid, w.branches.A1a.id);
      assert.equal(payload.role, "branch_admin");
      for (const claim of ["iat", "exp", "jti", "sid"]) assert.ok(payload[claim], claim);
      assert.equal((payload.exp as number) - (payload.iat as number), 900);
    },
  );

  await s.step("a wrong password and an unknown email get the same 401", async () => {
    const wrong = await loginPair(t, w.users.consultant.email, "not-the-password");
    const unknown = await loginPair(t, "nobody@test.example", "whatever-password");
    assertError(wrong, 401, "invalid_credentials");
    assertError(unknown, 401, "invalid_credentials");
    assert.equal(wrong.body.message, unknown.body.message);
  });

  await s.step("GET /auth/me answers the caller", async () => {
    const res = await call(t, "GET", ME, { token: w.tokens.regionManager });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, w.users.regionManager.id);
    assert.equal("password_hash" in res.body, false);
  });
  t.close();
});

Deno.test("token attacks are refused with 401", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const good = w.tokens.consultant;
  const [header, payload] = good.split(".");
  const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));

  await s.step("missing token", async () => {
    assertError(await call(t, "GET", ME), 401, "unauthorized");
  });
  await s.step("malformed Authorization headers", async () => {
    for (const value of ["Bearer", "Basic abc", "Bearer not.a.jwt", `Token ${good}`]) {
      assertError(await call(t, "GET", ME, { headers: { authorization: value } }), 401);
    }
  });
  await s.step("alg none", async () => {
    const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${payload}.`;
    assertError(await call(t, "GET", ME, { token: unsigned }), 401, "invalid_token");
  });
  await s.step("HS256 signed with the public key (algorithm confusion)", async () => {
    const jwks = await call(t, "GET", "/.well-known/jwks.json");
    const secret = new TextEncoder().encode(JSON.stringify((jwks.body.keys as unknown[])[0]));
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(secret);
    assertError(await call(t, "GET", ME, { token: forged }), 401, "invalid_token");
  });
  await s.step("signed by another key", async () => {
    const other = await signingKeysFromJwk(await generatePrivateJwk());
    const forged = await new SignJWT(claims).setProtectedHeader({
      alg: "EdDSA",
      kid: t.deps.keys.kid,
    })
      .sign(other.privateKey);
    assertError(await call(t, "GET", ME, { token: forged }), 401, "invalid_token");
  });
  await s.step("tampered payload keeps the old signature", async () => {
    const raised = b64url({ ...claims, role: "super_admin" });
    const tampered = `${header}.${raised}.${good.split(".")[2]}`;
    assertError(await call(t, "GET", ME, { token: tampered }), 401, "invalid_token");
  });
  await s.step("wrong issuer and wrong audience", async () => {
    for (const [iss, aud] of [["someone-else", "leopard-api"], ["leopard", "another-api"]]) {
      const token = await new SignJWT({ ...claims, iss, aud })
        .setProtectedHeader({ alg: "EdDSA", kid: t.deps.keys.kid }).sign(t.deps.keys.privateKey);
      assertError(await call(t, "GET", ME, { token }), 401, "invalid_token");
    }
  });
  await s.step("expired token", async () => {
    t.advance(16 * 60_000);
    assertError(await call(t, "GET", ME, { token: good }), 401, "token_expired");
    t.advance(-16 * 60_000);
    assert.equal((await call(t, "GET", ME, { token: good })).status, 200);
  });
  await s.step("a deactivated user's token stops at the next request", async () => {
    await t.db.update(users).set({ is_active: false }).where(eq(users.id, w.users.consultant.id));
    assertError(await call(t, "GET", ME, { token: good }), 401, "user_inactive");
    assertError(await loginPair(t, w.users.consultant.email), 401, "invalid_credentials");
  });
  await s.step("a suspended tenant's tokens stop at the next request", async () => {
    await t.db.update(tenants).set({ is_active: false }).where(eq(tenants.id, w.tenantB.id));
    assertError(await call(t, "GET", ME, { token: w.tokens.superAdminB }), 401, "tenant_suspended");
    assertError(await loginPair(t, w.users.consultantB.email), 403, "tenant_suspended");
    assert.equal(
      (await call(t, "GET", ME, { token: w.tokens.superAdmin })).status,
      200,
      "other tenants go on",
    );
  });
  t.close();
});

Deno.test("refresh tokens rotate, and a reused one closes the session", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const first = await loginPair(t, w.users.branchAdmin.email);
  const refresh = (token: unknown) =>
    call(t, "POST", "/api/v1/auth/refresh", { body: { refresh_token: token } });
  let second: Awaited<ReturnType<typeof refresh>>;

  await s.step("refresh answers a new pair and spends the old token", async () => {
    second = await refresh(first.body.refresh_token);
    assert.equal(second.status, 200, second.text);
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    assert.equal(
      (await call(t, "GET", ME, { token: second.body.access_token as string })).status,
      200,
    );
  });
  await s.step("reusing the spent token revokes the whole family", async () => {
    assertError(await refresh(first.body.refresh_token), 401, "refresh_token_reused");
    assertError(await refresh(second.body.refresh_token), 401, "invalid_refresh_token");
    assertError(
      await call(t, "GET", ME, { token: second.body.access_token as string }),
      401,
      "session_revoked",
    );
  });
  await s.step("other sessions of the same user are untouched", async () => {
    assert.equal((await call(t, "GET", ME, { token: w.tokens.branchAdmin })).status, 200);
  });
  await s.step("an unknown or expired refresh token is refused", async () => {
    assertError(await refresh("made-up-token"), 401, "invalid_refresh_token");
    const pair = await loginPair(t, w.users.consultant.email);
    t.advance(31 * 86_400_000);
    assertError(await refresh(pair.body.refresh_token), 401, "invalid_refresh_token");
    t.advance(-31 * 86_400_000);
  });
  await s.step("a deactivated user cannot refresh", async () => {
    const pair = await loginPair(t, w.users.consultantA1b.email);
    await t.db.update(users).set({ is_active: false }).where(
      eq(users.id, w.users.consultantA1b.id),
    );
    assertError(await refresh(pair.body.refresh_token), 401, "user_inactive");
  });
  t.close();
});

Deno.test("logout ends the session's access and refresh tokens at once", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const pair = await loginPair(t, w.users.consultant.email);
  const res = await call(t, "POST", "/api/v1/auth/logout", {
    body: { refresh_token: pair.body.refresh_token },
  });
  assert.equal(res.status, 204);
  assertError(
    await call(t, "GET", ME, { token: pair.body.access_token as string }),
    401,
    "session_revoked",
  );
  assertError(
    await call(t, "POST", "/api/v1/auth/refresh", {
      body: { refresh_token: pair.body.refresh_token },
    }),
    401,
  );
  assert.equal(
    (await call(t, "GET", ME, { token: w.tokens.consultant })).status,
    200,
    "other sessions go on",
  );
  t.close();
});

Deno.test("change-password needs the current password and ends the other sessions", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const email = w.users.consultant.email;
  const current = await loginPair(t, email);
  const token = current.body.access_token as string;
  const path = "/api/v1/auth/change-password";

  assertError(
    await call(t, "POST", path, {
      token,
      body: { current_password: "wrong-password", new_password: "brand-new-pass-1" },
    }),
    422,
  );
  assertError(
    await call(t, "POST", path, {
      token,
      body: { current_password: PASSWORD, new_password: "short" },
    }),
    422,
  );
  const ok = await call(t, "POST", path, {
    token,
    body: { current_password: PASSWORD, new_password: "brand-new-pass-1" },
  });
  assert.equal(ok.status, 204, ok.text);

  assert.equal((await call(t, "GET", ME, { token })).status, 200, "the current session stays");
  assertError(await call(t, "GET", ME, { token: w.tokens.consultant }), 401, "session_revoked");
  assertError(await loginPair(t, email), 401);
  assert.equal((await loginPair(t, email, "brand-new-pass-1")).status, 200);
  t.close();
});

Deno.test("failed logins are rate limited per account and per IP with Retry-After", async (s) => {
  const t = await createTestApp({ loginRateLimitPerMinute: 3 });
  const w = await buildWorld(t);

  await s.step("per account, whatever the IP", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await call(t, "POST", "/api/v1/auth/login", {
        body: { email: w.users.consultantA2a.email, password: "wrong-password" },
        headers: { "x-test-ip": `10.0.0.${i}` },
      });
      assertError(res, 401);
    }
    const blocked = await call(t, "POST", "/api/v1/auth/login", {
      body: { email: w.users.consultantA2a.email, password: PASSWORD },
      headers: { "x-test-ip": "10.0.0.9" },
    });
    assertError(blocked, 429, "rate_limited");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  });
  await s.step("per IP, whatever the account", async () => {
    for (let i = 0; i < 3; i++) {
      await call(t, "POST", "/api/v1/auth/login", {
        body: { email: `nobody${i}@test.example`, password: "wrong-password" },
        headers: { "x-test-ip": "10.9.9.9" },
      });
    }
    const blocked = await call(t, "POST", "/api/v1/auth/login", {
      body: { email: w.users.superAdminB.email, password: PASSWORD },
      headers: { "x-test-ip": "10.9.9.9" },
    });
    assertError(blocked, 429, "rate_limited");
  });
  await s.step("the window passes", async () => {
    t.advance(61_000);
    const res = await call(t, "POST", "/api/v1/auth/login", {
      body: { email: w.users.consultantA2a.email, password: PASSWORD },
      headers: { "x-test-ip": "10.9.9.9" },
    });
    assert.equal(res.status, 200, res.text);
  });
  t.close();
});

Deno.test("login route bad input: error shape, nothing written", async () => {
  const t = await createTestApp();
  const path = "/api/v1/auth/login";
  assertError(
    await call(t, "POST", path, { rawBody: "{", headers: { "content-type": "application/json" } }),
    400,
    "malformed_json",
  );
  assertError(
    await call(t, "POST", path, { body: { email: "x@y.example", password: 5 } }),
    422,
    "validation_error",
  );
  assertError(
    await call(t, "POST", path, { body: { email: "x@y.example", password: "p", role: "admin" } }),
    422,
  );
  assertError(
    await call(t, "POST", path, { rawBody: "email=x", headers: { "content-type": "text/plain" } }),
    415,
  );
  assertError(await call(t, "POST", path, { body: { email: "not-an-email", password: "p" } }), 422);
  t.close();
});

Deno.test("refresh, logout and change-password bad input: error shape, nothing written", async () => {
  const t = await createTestApp({ bodyLimitBytes: 1024 });
  const w = await buildWorld(t);
  const token = w.tokens.consultant;
  const json = { "content-type": "application/json" };
  const routes: [string, string | undefined][] = [
    ["/api/v1/auth/refresh", undefined],
    ["/api/v1/auth/logout", undefined],
    ["/api/v1/auth/change-password", token],
  ];
  const before = await tableCounts(t.db);
  for (const [path, auth] of routes) {
    assertError(
      await call(t, "POST", path, { token: auth, rawBody: "{", headers: json }),
      400,
      "malformed_json",
    );
    assertError(
      await call(t, "POST", path, { token: auth, body: { refresh_token: 5, current_password: 5 } }),
      422,
    );
    assertError(
      await call(t, "POST", path, { token: auth, body: { refresh_token: "x", extra: true } }),
      422,
    );
    assertError(
      await call(t, "POST", path, {
        token: auth,
        rawBody: "x",
        headers: { "content-type": "text/plain" },
      }),
      415,
    );
    assertError(
      await call(t, "POST", path, { token: auth, body: { refresh_token: "x".repeat(2000) } }),
      413,
    );
  }
  assert.deepEqual(await tableCounts(t.db), before);
  t.close();
});
