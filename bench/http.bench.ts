/**
 * `deno task bench`: request latency of the real server on 127.0.0.1 over an
 * embedded libSQL file, for the hot paths of the foundation (an authenticated
 * scoped list, a single read, a write). Prints p50/p99 and throughput; bounded in
 * request count. Rate limits are off, as SPEC §4 allows for load tests.
 * @module
 */
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { denoDeps } from "../src/deno-deps.ts";
import { scryptHasher } from "../src/auth/passwords.ts";

const dir = await Deno.makeTempDir({ prefix: "leopard-bench-" });
const config = loadConfig({
  DATABASE_URL: `file:${dir}/bench.db`,
  JWT_KEY_FILE: `${dir}/key.json`,
  RATE_LIMIT_PER_MINUTE: "0",
  TENANT_RATE_LIMIT_PER_MINUTE: "0",
  ANON_RATE_LIMIT_PER_MINUTE: "0",
  LOGIN_RATE_LIMIT_PER_MINUTE: "0",
});
const { deps, close } = await denoDeps(config);
const app = createApp({ ...deps, log: () => {} });
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
const base = `http://127.0.0.1:${server.addr.port}`;

async function json(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Set-up through the API itself: platform admin → tenant → super_admin → regions and branches.
const { uuidv7 } = await import("../src/lib/ids.ts");
const { users } = await import("../src/db/schema/index.ts");
const now = new Date().toISOString();
await deps.db.insert(users).values({
  id: uuidv7(),
  email: "bench-admin@leopard.test",
  password_hash: await scryptHasher().hash("bench-password-1"),
  first_name: "Bench",
  last_name: "Admin",
  role: "super_super_admin",
  created_at: now,
  updated_at: now,
});
const platform = (await json("POST", "/api/v1/auth/login", undefined, {
  email: "bench-admin@leopard.test",
  password: "bench-password-1",
})).access_token;
const tenant = await json("POST", "/api/v1/tenants", platform, { name: "Bench Agency" });
const asTenant = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${platform}`,
      "x-tenant-id": tenant.id,
      "content-type": "application/json",
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return await res.json();
};
await asTenant("POST", "/api/v1/users", {
  email: "bench-sa@leopard.test",
  password: "bench-password-1",
  first_name: "Bench",
  last_name: "Super",
  role: "super_admin",
});
const token = (await json("POST", "/api/v1/auth/login", undefined, {
  email: "bench-sa@leopard.test",
  password: "bench-password-1",
})).access_token;
for (let r = 0; r < 20; r++) {
  const region = await json("POST", "/api/v1/regions", token, { name: `Region ${r}` });
  for (let b = 0; b < 10; b++) {
    await json("POST", "/api/v1/branches", token, {
      name: `Branch ${r}.${b}`,
      region_id: region.id,
    });
  }
}

type Result = {
  name: string;
  concurrency: number;
  p50: number;
  p99: number;
  rps: number;
  n: number;
};

async function measure(
  name: string,
  total: number,
  concurrency: number,
  run: (i: number) => Promise<void>,
): Promise<Result> {
  for (let i = 0; i < 50; i++) await run(i); // warm-up
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await run(i);
      times.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const pick = (q: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 100) / 100;
  return {
    name,
    concurrency,
    p50: pick(0.5),
    p99: pick(0.99),
    rps: Math.round(total / elapsed),
    n: total,
  };
}

const results = [
  await measure("GET /health", 2000, 16, async () => void await json("GET", "/health")),
  await measure(
    "GET /api/v1/branches (1 at a time)",
    1000,
    1,
    async () => void await json("GET", "/api/v1/branches", token),
  ),
  await measure(
    "GET /api/v1/branches?page_size=25",
    2000,
    16,
    async () => void await json("GET", "/api/v1/branches?page_size=25", token),
  ),
  await measure(
    "GET /api/v1/branches?cursor= (deep page)",
    1000,
    16,
    async () => void await json("GET", "/api/v1/branches?cursor=&ordering=name", token),
  ),
  await measure("PATCH /api/v1/regions/{id} (batch + audit)", 1000, 8, async (i) => {
    const page = await json("GET", "/api/v1/regions?page_size=1", token);
    await json("PATCH", `/api/v1/regions/${page.results[0].id}`, token, {
      description: `rev ${i}`,
    });
  }),
];
console.log(`Leopard HTTP bench (Deno ${Deno.version.deno}, embedded libSQL file, 127.0.0.1)`);
console.table(results);
await server.shutdown();
close();
await Deno.remove(dir, { recursive: true });
