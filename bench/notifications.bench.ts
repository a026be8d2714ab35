/**
 * `deno task bench` (second part): notification delivery through the real server.
 *
 * The server runs as its own process (`src/main.ts`, embedded libSQL file, the
 * in-process hub and the cross-instance poll on), so its memory can be read from
 * /proc without the clients' share. With 1, 100 and 1,000 users each holding an
 * open stream, a super_admin assigns tasks to random ones over HTTP; each sample is
 * the time from the write's response (and from its request) to the event parsed at
 * that user's client. Prints p50/p99 per level and the server's memory per stream.
 * Fixtures (users, sessions) are inserted directly and tokens signed with the
 * server's key, so the bench does not spend minutes on password hashing.
 * @module
 */
import { generatePrivateJwk, signingKeysFromJwk } from "../src/auth/keys.ts";
import { signAccessToken } from "../src/auth/tokens.ts";
import { defaultAppConfig } from "../src/config.ts";
import { openLibsql } from "../src/db/libsql.ts";
import { migrateDatabase } from "../src/db/migrate.ts";
import { auth_sessions, branches, regions, tenants, users } from "../src/db/schema/index.ts";
import { uuidv7 } from "../src/lib/ids.ts";
import { DEFAULT_SETTINGS } from "../src/modules/tenants/tenants.schemas.ts";
import type { Role } from "../src/scope/roles.ts";
import { readSse, type SseStream } from "../tests/sse.ts";

const LEVELS = [1, 100, 1000];
const SAMPLES = 200;
const dir = await Deno.makeTempDir({ prefix: "leopard-sse-bench-" });
const dbUrl = `file:${dir}/bench.db`;
const keyFile = `${dir}/key.json`;

// Fixtures: one tenant, one branch, a super_admin and 1,000 consultants with sessions.
const jwk = await generatePrivateJwk();
await Deno.writeTextFile(keyFile, JSON.stringify(jwk));
const keys = await signingKeysFromJwk(jwk);
const { client, db } = await openLibsql({ url: dbUrl });
await migrateDatabase(db);
const now = new Date();
const at = now.toISOString();
const stamp = { created_at: at, updated_at: at };
const tenant = { id: uuidv7(), name: "Bench Agency", settings: DEFAULT_SETTINGS, ...stamp };
const region = { id: uuidv7(), tenant_id: tenant.id, name: "Region", ...stamp };
const branch = {
  id: uuidv7(),
  tenant_id: tenant.id,
  region_id: region.id,
  name: "Branch",
  ...stamp,
};
await db.insert(tenants).values(tenant);
await db.insert(regions).values(region);
await db.insert(branches).values(branch);

async function person(role: Role, i: number) {
  const id = uuidv7();
  const placed = role === "consultant";
  await db.insert(users).values({
    id,
    email: `${role}.${i}@bench.test`,
    password_hash: "unused",
    first_name: role,
    last_name: String(i),
    role,
    tenant_id: tenant.id,
    region_id: placed ? region.id : null,
    branch_id: placed ? branch.id : null,
    ...stamp,
  });
  const sid = uuidv7();
  await db.insert(auth_sessions).values({
    id: sid,
    user_id: id,
    created_at: at,
    expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
  });
  const claims = {
    sub: id,
    tid: tenant.id,
    rid: placed ? region.id : null,
    bid: placed ? branch.id : null,
    role,
    sid,
  };
  const config = { ...defaultAppConfig, accessTokenTtlSeconds: 3600 };
  return { id, token: await signAccessToken(claims, keys, config, now) };
}
const admin = await person("super_admin", 0);
const staff = [];
for (let i = 0; i < Math.max(...LEVELS); i++) staff.push(await person("consultant", i));
client.close();

// The server, as `deno task dev` runs it.
const port = 20000 + Math.floor(Math.random() * 20000);
const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "--unstable-net", "--allow-all", "src/main.ts"],
  env: {
    PORT: String(port),
    DATABASE_URL: dbUrl,
    JWT_KEY_FILE: keyFile,
    RATE_LIMIT_PER_MINUTE: "0",
    TENANT_RATE_LIMIT_PER_MINUTE: "0",
    ANON_RATE_LIMIT_PER_MINUTE: "0",
    LOGIN_RATE_LIMIT_PER_MINUTE: "0",
    SCHEDULE_INTERVAL_SECONDS: "0",
    SSE_MAX_STREAMS_PER_USER: "5",
  },
  stdout: "null",
  stderr: "inherit",
}).spawn();
const base = `http://127.0.0.1:${port}`;
for (let i = 0;; i++) {
  try {
    if ((await fetch(`${base}/health`).then((r) => r.body?.cancel())) === undefined) break;
  } catch {
    if (i > 200) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function rssKiB(): number {
  const status = Deno.readTextFileSync(`/proc/${server.pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function openStream(token: string): Promise<SseStream> {
  const res = await fetch(`${base}/api/v1/notifications/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const stream = readSse(res);
  await stream.connected();
  return stream;
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) /
    100;
};

const rows = [];
const open: SseStream[] = [];
for (const level of LEVELS) {
  await new Promise((r) => setTimeout(r, 300));
  const rssBefore = rssKiB();
  const baseline = open.length;
  while (open.length < level) open.push(await openStream(staff[open.length].token));
  await new Promise((r) => setTimeout(r, 300));
  const perStream = open.length > baseline
    ? Math.round((rssKiB() - rssBefore) / (open.length - baseline))
    : null;

  const afterResponse: number[] = [];
  const afterRequest: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const target = (i * 7919) % level;
    const stream = open[target];
    const seen = stream.events.length;
    const sent = performance.now();
    const res = await fetch(`${base}/api/v1/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: `Task ${i}`, assigned_to: staff[target].id }),
    });
    await res.body?.cancel();
    if (res.status !== 201) throw new Error(`POST /tasks: ${res.status}`);
    const answered = performance.now();
    await stream.waitFor(seen + 1, 5000);
    const arrived = performance.now();
    if (i < 10) continue; // warm-up
    afterResponse.push(Math.max(0, arrived - answered));
    afterRequest.push(arrived - sent);
  }
  rows.push({
    "open streams": level,
    "p50 after response (ms)": quantile(afterResponse, 0.5),
    "p99 after response (ms)": quantile(afterResponse, 0.99),
    "p50 after request (ms)": quantile(afterRequest, 0.5),
    "p99 after request (ms)": quantile(afterRequest, 0.99),
    "server RSS per new stream (KiB)": perStream,
    samples: SAMPLES,
  });
}

console.log(
  `Leopard notification delivery (Deno ${Deno.version.deno}, server process, 127.0.0.1)`,
);
console.table(rows);
await Promise.all(open.map((stream) => stream.close()));
server.kill("SIGTERM");
await server.status;
await Deno.remove(dir, { recursive: true });
