/**
 * `deno task bench:scale`: the hot calls at a million clients (issue 10). Seeds
 * `--tenants 100 --scale 200` into BENCH_DB (default data/bench-1m.db) unless it is
 * already there, starts the server as `deno task dev` would (rate limits off, as
 * SPEC §4 allows for load tests), logs in through the API, checks each role's
 * `count` against the database, then drives each call with wrk (Debian's; a
 * built-in Deno load generator when it is missing) and prints one table, with a
 * bare `Deno.serve` measured in the same run: a hello-world, and the same bytes
 * as a list page and a detail.
 * @module
 */
import { createClient } from "@libsql/client";
import { exists, freePort } from "../edge/wrangler.ts";

const DB = Deno.env.get("BENCH_DB") ?? "data/bench-1m.db";
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
/** Load before each measured call, not counted: JIT and caches warm, as in a server up a while. */
const WARMUP_SECONDS = Number(Deno.env.get("BENCH_WARMUP_SECONDS") ?? 2);
const CONNECTIONS = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 64);
const PASSWORD = "leopard-demo-2026";
const DENO_FLAGS = [
  "run",
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-ffi",
  "--allow-sys",
];

if (!(await exists(DB))) {
  console.log(`seeding ${DB} (100 agencies, 1,040,000 clients)…`);
  const started = performance.now();
  const seed = await new Deno.Command(Deno.execPath(), {
    args: [...DENO_FLAGS, "seed.ts", "--tenants", "100", "--scale", "200", "--quiet"],
    env: { DATABASE_URL: `file:${DB}` },
  }).spawn().status;
  if (!seed.success) throw new Error("the seed failed");
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s wall`);
}

/**
 * The server's request log lines whose status is not 2xx, counted by status and
 * method, so a table's non-2xx column can be traced to the log. A line may be split
 * between chunks; only the (rare) chunks that match are split into lines.
 */
class Refusals {
  readonly counts = new Map<string, number>();
  private tail = "";

  scan(chunk: string): void {
    const text = this.tail + chunk;
    const end = text.lastIndexOf("\n") + 1;
    this.tail = text.slice(end);
    if (!/"status":[3-5]\d\d/.test(text.slice(0, end))) return;
    for (const line of text.slice(0, end).split("\n")) {
      const status = /"status":([3-5]\d\d)/.exec(line)?.[1];
      if (!status) continue;
      const key = `${status} ${/"method":"(\w+)"/.exec(line)?.[1] ?? ""}`.trim();
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  toString(): string {
    return [...this.counts].map(([key, n]) => `${key} ×${n}`).join(", ") || "none";
  }
}

/**
 * Starts a server process and waits for its /health; returns it with its start-up
 * time and a promise of the first log line that contains `awaitLog`.
 */
async function startServer(
  args: string[],
  env: Record<string, string>,
  port: number,
  awaitLog = "",
) {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: { ...env, PORT: String(port) },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const { promise: logged, resolve } = Promise.withResolvers<void>();
  const refused = new Refusals();
  (async () => {
    let seen = false;
    let buffered = "";
    // Drained to the end, so the server never blocks on a full pipe.
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      refused.scan(chunk);
      if (seen) continue;
      buffered = (buffered + chunk).slice(-4096);
      if (awaitLog && buffered.includes(awaitLog)) {
        seen = true;
        resolve();
      }
    }
  })();
  let exited = false;
  child.status.then(() => exited = true);
  for (;;) {
    if (exited) throw new Error(`the server (${args.join(" ")}) exited before it answered`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, logged, refused, startMs: performance.now() - started };
}

/** Resident memory of one process, in MiB. */
async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const port = freePort();
const server = await startServer(
  ["task", "--quiet", "dev"],
  {
    DATABASE_URL: `file:${DB}`,
    JWT_KEY_FILE: `${DB}.jwt-key.json`,
    RATE_LIMIT_PER_MINUTE: "0",
    TENANT_RATE_LIMIT_PER_MINUTE: "0",
    ANON_RATE_LIMIT_PER_MINUTE: "0",
    LOGIN_RATE_LIMIT_PER_MINUTE: "0",
  },
  port,
  '"job":"scheduled_notifications"',
);
const base = `http://127.0.0.1:${port}`;
// The scheduled job's first run starts with the server; measure after it, as a
// server that has been up a while is.
const jobDone = performance.now();
await Promise.race([server.logged, new Promise((r) => setTimeout(r, 120_000))]);
const jobMs = performance.now() - jobDone + server.startMs;
const serverPid = Number(
  new TextDecoder().decode(
    (await new Deno.Command("pgrep", { args: ["-f", "-n", "src/main.ts"] }).output()).stdout,
  ).trim(),
);
const idleRss = serverPid ? await rssMiB(serverPid) : NaN;

async function login(email: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

async function getJson(path: string, token: string) {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return await res.json();
}

const consultant = await login("consultant.b1.1@t1.leopard.test");
const countryManager = await login("country_manager@t1.leopard.test");
const regionManager = await login("region_manager.r1@t1.leopard.test");

// Each role's count, checked against the database itself.
const db = createClient({ url: `file:${DB}` });
const one = async (client: typeof db, sql: string, args: string[]) =>
  Number((await client.execute({ sql, args })).rows[0][0]);
const tenantId = String(
  (await db.execute("SELECT tenant_id FROM users WHERE email = 'consultant.b1.1@t1.leopard.test'"))
    .rows[0][0],
);
const branchId = String(
  (await db.execute("SELECT branch_id FROM users WHERE email = 'consultant.b1.1@t1.leopard.test'"))
    .rows[0][0],
);
const regionId = String(
  (await db.execute(
    "SELECT region_id FROM users WHERE email = 'region_manager.r1@t1.leopard.test'",
  ))
    .rows[0][0],
);
const expected = {
  consultant: await one(
    db,
    "SELECT count(*) FROM clients WHERE tenant_id = ? AND branch_id = ? AND deleted_at IS NULL",
    [tenantId, branchId],
  ),
  country_manager: await one(
    db,
    "SELECT count(*) FROM clients WHERE tenant_id = ? AND deleted_at IS NULL",
    [tenantId],
  ),
  region_manager: await one(
    db,
    "SELECT count(*) FROM clients WHERE tenant_id = ? AND deleted_at IS NULL AND branch_id IN (SELECT id FROM branches WHERE region_id = ?)",
    [tenantId, regionId],
  ),
};
db.close();
const got = {
  consultant: (await getJson("/api/v1/clients/", consultant)).count,
  country_manager: (await getJson("/api/v1/clients/", countryManager)).count,
  region_manager: (await getJson("/api/v1/clients/", regionManager)).count,
};
for (const role of Object.keys(expected) as (keyof typeof expected)[]) {
  if (got[role] !== expected[role]) {
    throw new Error(`${role}: count ${got[role]}, the database says ${expected[role]}`);
  }
}
const page = await getJson("/api/v1/clients/?page_size=1", consultant);
const clientId: string = page.results[0].id;

/**
 * Agencies 1–20's country_managers (each list its own count), and a consultant of
 * agency 21 whose client is edited meanwhile: the lists' counts as where agencies
 * write, not only from a cache that nothing empties.
 */
const MANAGERS = 20;
/** Distinct `search=` terms a consultant takes in turn (each its own count). */
const SEARCH_TERMS = 40;
const managers = await Promise.all(
  Array.from({ length: MANAGERS }, (_, i) => login(`country_manager@t${i + 1}.leopard.test`)),
);
const writer = await login(`consultant.b1.1@t${MANAGERS + 1}.leopard.test`);
const writerClient: string = (await getJson("/api/v1/clients/?page_size=1", writer)).results[0].id;
/** The pause between the writer's PATCHes, one after another. */
const WRITE_EVERY_MS = 10;
const searchTerm = String(page.results[0].last_name).slice(0, 3);
/** The consultant's searches: `search=` + `status=` for the first letters of many names. */
const searchPath = (term: string) =>
  `/api/v1/clients/?search=${encodeURIComponent(term)}&status=active`;
const manyTerms = [
  ...new Set(
    (await getJson("/api/v1/clients/?page_size=100", consultant)).results
      .map((client: { last_name: string }) => client.last_name.slice(0, 3)),
  ),
].slice(0, SEARCH_TERMS) as string[];

type Call = {
  name: string;
  path: string;
  token?: string;
  method?: string;
  /**
   * The body; each request's `{n}` becomes a value of its own, so that every
   * PATCH changes the row (an unchanged value writes nothing and no audit row).
   */
  body?: string;
  base?: string;
  /** Several callers, taken in turn request by request (instead of `token`). */
  tokens?: string[];
  /** Several paths, taken in turn request by request (instead of `path`). */
  paths?: string[];
  /** Writes made while the call runs, every WRITE_EVERY_MS. */
  alongside?: Call;
};

const UNIQUE = "{n}";
type Figures = { rps: number; p50: number; p99: number; non2xx: number; requests: number };

const hasWrk = (await new Deno.Command("sh", { args: ["-c", "command -v wrk"] }).output())
  .success;

/** wrk's Lua for bodies whose `{n}` is "thread-count", unique across its threads. */
function bodiesLua(body: string): string {
  const [head, tail = ""] = body.split(UNIQUE);
  if (!body.includes(UNIQUE)) return `wrk.body = ${JSON.stringify(body)}`;
  return [
    "local threads = 0",
    'function setup(thread) threads = threads + 1; thread:set("tid", threads) end',
    "local n = 0",
    "function request()",
    "  n = n + 1",
    `  return wrk.format(nil, nil, nil, ${JSON.stringify(head)} .. tid .. "-" .. n .. ${
      JSON.stringify(tail)
    })`,
    "end",
  ].join("\n");
}

const luaList = (items: string[]) => JSON.stringify(items).replace("[", "{").replace(/]$/, "}");

/** wrk's Lua for GETs that take each of `tokens` and of `paths` in turn. */
function turnsLua({ tokens, paths }: Pick<Call, "tokens" | "paths">): string {
  return [
    `local tokens = ${tokens ? luaList(tokens) : "nil"}`,
    `local paths = ${paths ? luaList(paths) : "nil"}`,
    "local i = 0",
    "local j = 0",
    "function request()",
    "  local headers = nil",
    "  local path = nil",
    '  if tokens then i = i % #tokens + 1; headers = { Authorization = "Bearer " .. tokens[i] } end',
    "  if paths then j = j % #paths + 1; path = paths[j] end",
    "  return wrk.format(nil, path, headers)",
    "end",
  ].join("\n");
}

async function runWrk(call: Call, seconds = SECONDS): Promise<Figures> {
  const script = await Deno.makeTempFile({ suffix: ".lua" });
  const headers = [
    call.token ? `wrk.headers["Authorization"] = "Bearer ${call.token}"` : "",
    call.body ? `wrk.headers["Content-Type"] = "application/json"` : "",
    `wrk.method = "${call.method ?? "GET"}"`,
    call.body ? bodiesLua(call.body) : "",
    call.tokens || call.paths ? turnsLua(call) : "",
  ];
  await Deno.writeTextFile(script, headers.join("\n"));
  const out = await new Deno.Command("wrk", {
    args: [
      "-t2",
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      "--timeout",
      "10s",
      "--latency",
      "-s",
      script,
      (call.base ?? base) + call.path,
    ],
  }).output();
  await Deno.remove(script);
  const text = new TextDecoder().decode(out.stdout);
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    if (!m) return NaN;
    const value = Number(m[1]);
    return m[2] === "us" ? value / 1000 : m[2] === "s" ? value * 1000 : value;
  };
  return {
    rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0)),
    p50: ms("50"),
    p99: ms("99"),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0),
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? 0),
  };
}

/** The fallback load generator: CONNECTIONS loops of fetch for SECONDS. */
async function runBuiltin(call: Call, seconds = SECONDS): Promise<Figures> {
  const times: number[] = [];
  let non2xx = 0;
  const until = performance.now() + seconds * 1000;
  let n = 0;
  let turn = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const token = call.tokens ? call.tokens[turn % call.tokens.length] : call.token;
      const path = call.paths ? call.paths[turn % call.paths.length] : call.path;
      turn++;
      const res = await fetch((call.base ?? base) + path, {
        method: call.method ?? "GET",
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(call.body ? { "content-type": "application/json" } : {}),
        },
        body: call.body?.replaceAll(UNIQUE, String(++n)),
      });
      await res.arrayBuffer();
      if (res.status >= 300) non2xx++;
      times.push(performance.now() - t0);
    }
  }));
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.floor(q * (times.length - 1))];
  return {
    rps: Math.round(times.length / seconds),
    p50: pick(0.5),
    p99: pick(0.99),
    non2xx,
    requests: times.length,
  };
}

/**
 * What a response costs the runtime's HTTP server alone: the exact bytes (status,
 * headers, body) our server answered for a list page and a detail, replayed by a
 * bare `Deno.serve`. Deno writes a response whose head and body pass 512 bytes in
 * two socket writes (a hello-world's fits in one), so the 2-byte hello-world
 * flatters the baseline.
 */
async function answerOf(path: string, token: string) {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  const headers = [...res.headers].filter(([name]) => !["content-length", "date"].includes(name));
  return { status: res.status, headers, body: await res.text() };
}
const replayed = {
  "/list": await answerOf("/api/v1/clients/", consultant),
  "/detail": await answerOf(`/api/v1/clients/${clientId}/`, consultant),
};

const helloPort = freePort();
const helloFile = await Deno.makeTempFile({ suffix: ".ts" });
await Deno.writeTextFile(
  helloFile,
  `const replayed = ${JSON.stringify(replayed)};
Deno.serve({ hostname: "127.0.0.1", port: ${helloPort}, onListen() {} }, (req) => {
  const path = new URL(req.url).pathname;
  const answer = replayed[path];
  if (answer) return new Response(answer.body, { status: answer.status, headers: answer.headers });
  return path === "/health" ? new Response("ok") : new Response("hello");
});`,
);
const hello = await startServer(["run", "--allow-net", helloFile], {}, helloPort);

/** A consultant of agency 21 saving an edit every 10 ms, beside a call (trickle). */
const agencyWrites: Call = {
  name: "PATCH in agency 21",
  path: `/api/v1/clients/${writerClient}/`,
  token: writer,
  method: "PATCH",
  body: JSON.stringify({ notes: `bench alongside ${UNIQUE}` }),
};

const calls: Call[] = [
  { name: "hello-world (bare Deno.serve)", path: "/", base: `http://127.0.0.1:${helloPort}` },
  {
    name: "bare Deno.serve, a list page's bytes",
    path: "/list",
    base: `http://127.0.0.1:${helloPort}`,
  },
  {
    name: "bare Deno.serve, a detail's bytes",
    path: "/detail",
    base: `http://127.0.0.1:${helloPort}`,
  },
  { name: "GET /health", path: "/health" },
  { name: "list 25 · consultant", path: "/api/v1/clients/", token: consultant },
  { name: "list 25 · country_manager", path: "/api/v1/clients/", token: countryManager },
  { name: "list 25 · region_manager", path: "/api/v1/clients/", token: regionManager },
  {
    name: "list 25 · consultant, search= + status=",
    path: searchPath(searchTerm),
    token: consultant,
  },
  {
    name: `list 25 · ${MANAGERS} agencies' country_managers`,
    path: "/api/v1/clients/",
    tokens: managers,
  },
  {
    name: `list 25 · the same, while another agency writes`,
    path: "/api/v1/clients/",
    tokens: managers,
    alongside: agencyWrites,
  },
  {
    name: `list 25 · ${manyTerms.length} searches in turn, while another agency writes`,
    path: searchPath(manyTerms[0]),
    paths: manyTerms.map(searchPath),
    token: consultant,
    alongside: agencyWrites,
  },
  { name: "detail · consultant", path: `/api/v1/clients/${clientId}/`, token: consultant },
  { name: "detail · country_manager", path: `/api/v1/clients/${clientId}/`, token: countryManager },
  {
    name: "PATCH client (+ audit row)",
    path: `/api/v1/clients/${clientId}/`,
    token: consultant,
    method: "PATCH",
    body: JSON.stringify({ notes: `bench ${UNIQUE}` }),
  },
];

/** The client's update entries in the audit log: one per PATCH that changed it. */
async function updatesAudited(): Promise<number> {
  const log = createClient({ url: `file:${DB}` });
  try {
    return await one(
      log,
      "SELECT count(*) FROM audit_logs WHERE entity_id = ? AND action = 'update'",
      [clientId],
    );
  } finally {
    log.close();
  }
}

/** `call`'s requests one after another, a pause between, until `stop` is called. */
function trickle(call: Call): { stop: () => Promise<string> } {
  let running = true;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  const loop = (async () => {
    while (running) {
      const res = await fetch(base + call.path, {
        method: call.method,
        headers: { authorization: `Bearer ${call.token}`, "content-type": "application/json" },
        body: call.body?.replaceAll(UNIQUE, String(done + failed)),
      });
      await res.arrayBuffer();
      if (res.ok) done++;
      else failed++;
      await new Promise((r) => setTimeout(r, WRITE_EVERY_MS));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const perSecond = Math.round(done / ((performance.now() - started) / 1000));
      return `${call.name}: ${done} answered 2xx (${perSecond} a second), ${failed} not`;
    },
  };
}

const rows: Record<string, string | number>[] = [];
let writes = "";
const alongside: string[] = [];
for (const call of calls) {
  const run = hasWrk ? runWrk : runBuiltin;
  // A PATCH warm-up would only add audit rows; every other call is read-only.
  if (WARMUP_SECONDS > 0 && call.method === undefined) await run(call, WARMUP_SECONDS);
  const audited = call.method === "PATCH" ? await updatesAudited() : 0;
  const writing = call.alongside && trickle(call.alongside);
  const f = await run(call);
  if (writing) alongside.push(`${call.name}: ${await writing.stop()}`);
  if (call.method === "PATCH") {
    writes = `${call.name}: ${f.requests - f.non2xx} answered 2xx, ` +
      `${(await updatesAudited()) - audited} audit rows written`;
  }
  rows.push({
    call: call.name,
    "req/s": f.rps,
    "p50 ms": Number(f.p50.toFixed(2)),
    "p99 ms": Number(f.p99.toFixed(2)),
    "non-2xx": f.non2xx,
  });
}

hello.child.kill("SIGTERM");
await hello.child.status;
server.child.kill("SIGTERM");
await server.child.status;
await Deno.remove(helloFile);

const cpus = (await Deno.readTextFile("/proc/cpuinfo")).match(/^processor/gm)?.length;
console.log(
  `Leopard at 1,040,000 clients · ${new Date().toISOString().slice(0, 10)} · ${cpus} cores · ` +
    `Deno ${Deno.version.deno} · ${hasWrk ? "wrk -t2" : "built-in generator"} -c${CONNECTIONS} ` +
    `${SECONDS}s per call after ${WARMUP_SECONDS}s of warm-up`,
);
console.log(
  `start-up to /health: ${(server.startMs / 1000).toFixed(2)} s · first scheduled run done ` +
    `${(jobMs / 1000).toFixed(1)} s after start · idle RSS ${idleRss} MiB · ` +
    `counts: consultant ${got.consultant}, region_manager ${got.region_manager}, ` +
    `country_manager ${got.country_manager} (checked against the database)`,
);
console.table(rows);
console.log(`${writes} · answers not 2xx in the server's log: ${server.refused}`);
for (const line of alongside) console.log(line);
