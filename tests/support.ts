/**
 * Test harness: the real app on a fresh temporary libSQL database file, migrated and
 * opened as the server opens one, with a small tenancy world and real logins. Only
 * the costs are lowered (a cheaper scrypt, rate limits off unless a test turns them
 * on); nothing of ours is mocked.
 * @module
 */
import assert from "node:assert/strict";
import { asc, eq, type SQL, sql } from "drizzle-orm";
import { createApp } from "../src/app.ts";
import { generatePrivateJwk, signingKeysFromJwk } from "../src/auth/keys.ts";
import { scryptHasher } from "../src/auth/passwords.ts";
import { type AppConfig, defaultAppConfig } from "../src/config.ts";
import type { Database } from "../src/db/database.ts";
import { CHANGE_POLL_MS } from "../src/db/embedded-reads.ts";
import { openLibsql } from "../src/db/libsql.ts";
import { migrateDatabase } from "../src/db/migrate.ts";
import { audit_logs, branches, regions, tenants, users } from "../src/db/schema/index.ts";
import type { AppDeps } from "../src/lib/context.ts";
import { uuidv7 } from "../src/lib/ids.ts";
import { memoryRateLimiter } from "../src/lib/rate-limit.ts";
import { localHub } from "../src/notifications/hub.ts";
import { streamRegistry } from "../src/notifications/stream.ts";
import type { Role } from "../src/scope/roles.ts";
import { scopeOf, type TenantScope } from "../src/scope/scope.ts";
import { DEFAULT_SETTINGS } from "../src/modules/tenants/tenants.schemas.ts";

export const PASSWORD = "test-password-123";
const sharedKeys = await signingKeysFromJwk(await generatePrivateJwk());
const passwords = scryptHasher({ N: 2 ** 10, r: 8, p: 1 });
const passwordHash = await passwords.hash(PASSWORD);

export type TestApp = {
  app: ReturnType<typeof createApp>;
  db: Database;
  deps: AppDeps;
  logs: Record<string, unknown>[];
  /** Moves the injected clock. */
  advance: (ms: number) => void;
  close: () => void;
};

/**
 * A new app on a new database file, opened as `deno task dev` opens one (the
 * embedded read path, its caches and pragmas), with a file store when a test
 * needs one.
 */
export async function createTestApp(
  config: Partial<AppConfig> = {},
  extra: Pick<AppDeps, "files"> = {},
): Promise<TestApp> {
  const dir = Deno.makeTempDirSync({ prefix: "leopard-test-" });
  const { client, db } = await openLibsql({ url: `file:${dir}/test.db` });
  await migrateDatabase(db);
  return testAppOn(
    db,
    () => {
      client.close();
      Deno.removeSync(dir, { recursive: true });
    },
    config,
    extra,
  );
}

/**
 * Two apps on one database file, each with its own connections and caches, as two
 * serving threads or processes are; `close` closes both and removes the file.
 */
export async function twoInstances(
  prefix: string,
): Promise<{ a: TestApp; b: TestApp; url: string; close: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix });
  const url = `file:${dir}/shared.db`;
  const first = await openLibsql({ url });
  await migrateDatabase(first.db);
  const second = await openLibsql({ url });
  const a = testAppOn(first.db, () => first.client.close());
  const b = testAppOn(second.db, () => second.client.close());
  const close = async () => {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { a, b, url, close };
}

/** The test app on a database the caller opened and migrated (e.g. a seeded file). */
export function testAppOn(
  db: Database,
  close: () => void,
  config: Partial<AppConfig> = {},
  extra: Pick<AppDeps, "files"> = {},
): TestApp {
  let offset = 0;
  const logs: Record<string, unknown>[] = [];
  const appConfig: AppConfig = {
    ...defaultAppConfig,
    rateLimitPerMinute: 0,
    tenantRateLimitPerMinute: 0,
    anonRateLimitPerMinute: 0,
    loginRateLimitPerMinute: 0,
    ...config,
  };
  const deps: AppDeps = {
    db,
    config: appConfig,
    keys: sharedKeys,
    passwords,
    hub: localHub(),
    streams: streamRegistry(appConfig.sseMaxStreamsPerUser),
    rateLimiter: memoryRateLimiter(),
    clock: () => new Date(Date.now() + offset),
    clientIp: (request) => request.headers.get("x-test-ip") ?? "127.0.0.1",
    log: (line) => logs.push(line),
    ...extra,
  };
  return {
    app: createApp(deps),
    db,
    deps,
    logs,
    advance: (ms) => (offset += ms),
    close,
  };
}

export type Res = { status: number; body: Record<string, unknown>; headers: Headers; text: string };

export type RequestOptions = {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
};

/** Sends one request through the app and parses the JSON answer. */
export async function call(
  t: TestApp,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await t.app.request(path, { method, headers, body });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch { /* not JSON: tests look at text */ }
  return { status: response.status, body: parsed, headers: response.headers, text };
}

/** {@link call} as `token`, asserting a 2xx answer; gives its JSON body. */
export async function succeeded(
  t: TestApp,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await call(t, method, path, { token, body });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** Waits past the bound on seeing another process's commit (`CHANGE_POLL_MS`). */
export const pastThePoll = () => new Promise((resolve) => setTimeout(resolve, 3 * CHANGE_POLL_MS));

/** A client made through the API as `token` (last name Karki unless given); gives its id. */
export async function createdClient(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await call(t, "POST", "/api/v1/clients", {
    token,
    body: { last_name: "Karki", ...body },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

/** Every row of a list as ids, from `first` on by each page's `next`, and each page's count. */
export async function everyPage(
  t: TestApp,
  token: string,
  first: string,
): Promise<{ ids: string[]; counts: unknown[] }> {
  const ids: string[] = [];
  const counts: unknown[] = [];
  let path: string | null = first;
  while (path) {
    const res = await call(t, "GET", path, { token });
    assert.equal(res.status, 200, res.text);
    counts.push(res.body.count);
    ids.push(...(res.body.results as { id: string }[]).map((row) => row.id));
    const next = res.body.next as string | null;
    path = next && next.slice(next.indexOf("/api/"));
  }
  return { ids, counts };
}

/** Logs in and returns the access token. */
export async function login(t: TestApp, email: string): Promise<string> {
  const res = await call(t, "POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

type Place = { tenantId: string | null; regionId?: string | null; branchId?: string | null };

/** Inserts a user directly (fixtures only; the API path is tested separately). */
export async function insertUser(db: Database, role: Role, place: Place, email?: string) {
  const id = uuidv7();
  const now = new Date().toISOString();
  const row = {
    id,
    email: email ?? `${role}.${id.slice(-8)}@test.example`,
    password_hash: passwordHash,
    first_name: role,
    last_name: "Tester",
    role,
    tenant_id: place.tenantId,
    region_id: place.regionId ?? null,
    branch_id: place.branchId ?? null,
    created_at: now,
    updated_at: now,
  };
  await db.insert(users).values(row);
  return row;
}

async function insertTenant(db: Database, name: string) {
  const now = new Date().toISOString();
  const row = { id: uuidv7(), name, settings: DEFAULT_SETTINGS, created_at: now, updated_at: now };
  await db.insert(tenants).values(row);
  return row;
}

async function insertRegion(db: Database, tenantId: string, name: string) {
  const now = new Date().toISOString();
  const row = { id: uuidv7(), tenant_id: tenantId, name, created_at: now, updated_at: now };
  await db.insert(regions).values(row);
  return row;
}

async function insertBranch(db: Database, tenantId: string, regionId: string, name: string) {
  const now = new Date().toISOString();
  const row = {
    id: uuidv7(),
    tenant_id: tenantId,
    region_id: regionId,
    name,
    created_at: now,
    updated_at: now,
  };
  await db.insert(branches).values(row);
  return row;
}

/**
 * Two agencies. Tenant A: region A1 with branches A1a and A1b, region A2 with
 * branch A2a; one user of each role placed in A1/A1a, plus peers elsewhere.
 * Tenant B: one of each role. And the platform admin.
 */
export async function buildWorld(t: TestApp) {
  const db = t.db;
  const tenantA = await insertTenant(db, "Agency A");
  const tenantB = await insertTenant(db, "Agency B");
  const A1 = await insertRegion(db, tenantA.id, "A1");
  const A2 = await insertRegion(db, tenantA.id, "A2");
  const B1 = await insertRegion(db, tenantB.id, "B1");
  const A1a = await insertBranch(db, tenantA.id, A1.id, "A1a");
  const A1b = await insertBranch(db, tenantA.id, A1.id, "A1b");
  const A2a = await insertBranch(db, tenantA.id, A2.id, "A2a");
  const B1a = await insertBranch(db, tenantB.id, B1.id, "B1a");
  const a = { tenantId: tenantA.id };
  const b = { tenantId: tenantB.id };
  const users = {
    platform: await insertUser(db, "super_super_admin", { tenantId: null }),
    superAdmin: await insertUser(db, "super_admin", a),
    countryManager: await insertUser(db, "country_manager", a),
    regionManager: await insertUser(db, "region_manager", { ...a, regionId: A1.id }),
    branchAdmin: await insertUser(db, "branch_admin", { ...a, regionId: A1.id, branchId: A1a.id }),
    consultant: await insertUser(db, "consultant", { ...a, regionId: A1.id, branchId: A1a.id }),
    regionManagerA2: await insertUser(db, "region_manager", { ...a, regionId: A2.id }),
    branchAdminA1b: await insertUser(db, "branch_admin", {
      ...a,
      regionId: A1.id,
      branchId: A1b.id,
    }),
    consultantA1b: await insertUser(db, "consultant", { ...a, regionId: A1.id, branchId: A1b.id }),
    consultantA2a: await insertUser(db, "consultant", { ...a, regionId: A2.id, branchId: A2a.id }),
    superAdminB: await insertUser(db, "super_admin", b),
    countryManagerB: await insertUser(db, "country_manager", b),
    regionManagerB: await insertUser(db, "region_manager", { ...b, regionId: B1.id }),
    branchAdminB: await insertUser(db, "branch_admin", { ...b, regionId: B1.id, branchId: B1a.id }),
    consultantB: await insertUser(db, "consultant", { ...b, regionId: B1.id, branchId: B1a.id }),
  };
  const tokens = {} as Record<keyof typeof users, string>;
  for (const [name, user] of Object.entries(users)) {
    tokens[name as keyof typeof users] = await login(t, user.email);
  }
  return {
    tenantA,
    tenantB,
    regions: { A1, A2, B1 },
    branches: { A1a, A1b, A2a, B1a },
    users,
    tokens,
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/**
 * A visa category and the type "Student visa (subclass 500)" in tenant A, made
 * through the API by its super_admin, with `checklist` as the type's documents.
 */
export async function createVisaType(
  t: TestApp,
  w: World,
  checklist: { item: string; required: boolean }[] = [],
): Promise<string> {
  const category = await call(t, "POST", "/api/v1/visa-categories", {
    token: w.tokens.superAdmin,
    body: { name: "Student", code: "STUDENT" },
  });
  assert.equal(category.status, 201, category.text);
  const type = await call(t, "POST", "/api/v1/visa-types", {
    token: w.tokens.superAdmin,
    body: {
      visa_category_id: category.body.id,
      name: "Student visa (subclass 500)",
      code: "500",
      checklist,
    },
  });
  assert.equal(type.status, 201, type.text);
  return type.body.id as string;
}
export type Who = keyof World["users"];

/** The tenant-A roles, highest first, with the one they sit in A1/A1a. */
export const TENANT_A_ROLES: Who[] = [
  "superAdmin",
  "countryManager",
  "regionManager",
  "branchAdmin",
  "consultant",
];

/** Counts rows of a table (to prove a refused write left nothing behind). */
export async function countRows(db: Database, table: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`));
  return Number(row.n);
}

/** A snapshot of every table's row count. */
export async function tableCounts(db: Database): Promise<Record<string, number>> {
  const tables = await db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = await countRows(db, name);
  return counts;
}

/** Asserts a response is the SPEC §4 error body with the given status (and code). */
export function assertError(res: Res, status: number, code?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.equal(typeof res.body.error, "string", `not an error body: ${res.text}`);
  assert.equal(typeof res.body.message, "string", `not an error body: ${res.text}`);
  assert.equal(typeof res.body.request_id, "string", `no request_id: ${res.text}`);
  assert.equal(res.headers.get("x-request-id"), res.body.request_id);
  if (code) assert.equal(res.body.error, code, res.text);
}

/** The `results` of a list answer, asserting it is a 200 list. */
export function results(res: Res): Record<string, unknown>[] {
  assert.equal(res.status, 200, res.text);
  assert.ok(Array.isArray(res.body.results), `no results: ${res.text}`);
  return res.body.results as Record<string, unknown>[];
}

/** The ids of a list answer, sorted (for comparing sets). */
export function idsOf(res: Res): string[] {
  return results(res).map((r) => String(r.id)).sort();
}

/** Ids as a sorted list, to compare with {@link idsOf}. */
export function sorted(...ids: string[]): string[] {
  return [...ids].sort();
}

/** Request options of the platform admin acting inside a tenant. */
export function asPlatform(w: World, tenantId: string): RequestOptions {
  return { token: w.tokens.platform, headers: { "x-tenant-id": tenantId } };
}

export type AuditRow = typeof audit_logs.$inferSelect;

/** Every audit row, oldest first. */
export async function allAudit(t: TestApp): Promise<AuditRow[]> {
  return await t.db.select().from(audit_logs).orderBy(asc(audit_logs.id));
}

/** Audit rows written after `before` was taken, platform access rows left out. */
export async function newAudit(t: TestApp, before: AuditRow[]): Promise<AuditRow[]> {
  const seen = new Set(before.map((r) => r.id));
  return (await allAudit(t)).filter((r) => !seen.has(r.id) && r.action !== "platform_access");
}

/** The audit rows one request wrote, found by its X-Request-ID. */
export async function auditOf(t: TestApp, res: Res): Promise<AuditRow[]> {
  const requestId = res.headers.get("x-request-id");
  assert.ok(requestId, "response without X-Request-ID");
  return await t.db.select().from(audit_logs).where(eq(audit_logs.request_id, requestId))
    .orderBy(asc(audit_logs.id));
}

/**
 * The scope a tenant user of the world gets on its requests (through the real
 * scopeOf), for tests that build a selector's query directly, e.g. EXPLAIN checks.
 */
export function scopeFor(w: World, who: Who): TenantScope {
  const user = w.users[who];
  const scope = scopeOf({
    userId: user.id,
    role: user.role,
    tenantId: user.tenant_id,
    regionId: user.region_id,
    branchId: user.branch_id,
    sessionId: "test",
  }, null);
  if (scope.level === "platform") throw new Error(`${who} has no tenant scope`);
  return scope;
}

/**
 * Lands `competing` (another request) just before the next batch the app sends,
 * that is between a request's reads and its write: the write-time guards, not the
 * reads, must then decide. Only the database handle is wrapped, for one batch.
 */
export function beforeNextBatch(t: TestApp, competing: () => Promise<unknown>): void {
  const db = t.db;
  const batch = db.batch;
  const delayed: typeof batch = async (items) => {
    db.batch = batch;
    await competing();
    return await db.batch(items);
  };
  db.batch = delayed;
}

/**
 * The query plans (EXPLAIN QUERY PLAN) of named queries that scan `table`, as
 * "name: plan" lines; each query must also search `table` through an index.
 */
export async function tableScans(
  db: Database,
  table: string,
  queries: [string, { getSQL(): SQL }][],
): Promise<string[]> {
  const scans: string[] = [];
  for (const [name, query] of queries) {
    const plan = await db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query.getSQL()}`);
    const details = plan.map((row) => row.detail);
    assert.ok(details.length > 0, `${name}: no plan`);
    if (details.some((d) => new RegExp(`\\bSCAN ${table}\\b`).test(d))) {
      scans.push(`${name}: ${details.join(" | ")}`);
    }
    assert.ok(
      details.some((d) => new RegExp(`SEARCH ${table} USING (COVERING )?INDEX`).test(d)),
      `${name} uses no index on ${table}: ${details.join(" | ")}`,
    );
  }
  return scans;
}
