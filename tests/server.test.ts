/**
 * The Deno entry as a new user runs it (`deno task dev`): several serving threads
 * on one port, each answering on its own connections, a second server on a busy
 * port refused, a clean stop on SIGTERM, and a deactivation through one thread
 * refused at once on the others.
 */
import assert from "node:assert/strict";
import { freePort } from "../edge/wrangler.ts";

/**
 * One request on a connection of its own, so the kernel may hand it to any thread;
 * answers the whole response as text.
 */
async function onNewConnection(
  port: number,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
): Promise<string> {
  const payload = body === undefined ? "" : JSON.stringify(body);
  const head = [
    `${method} ${path} HTTP/1.1`,
    "Host: x",
    "Connection: close",
    ...(token ? [`Authorization: Bearer ${token}`] : []),
    ...(payload
      ? [
        "Content-Type: application/json",
        `Content-Length: ${new TextEncoder().encode(payload).length}`,
      ]
      : []),
  ];
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(`${head.join("\r\n")}\r\n\r\n${payload}`));
  let text = "";
  for await (const chunk of conn.readable.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

const getOnNewConnection = (port: number, path: string) => onNewConnection(port, "GET", path);

/** The status and JSON body of a response {@link onNewConnection} read. */
function parsed(response: string): { status: number; body: Record<string, unknown> } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  const text = response.slice(response.indexOf("\r\n\r\n") + 4);
  return { status, body: text ? JSON.parse(text) : {} };
}

/** Where a server (and the seed before it) keeps its state: all in `dir`. */
const stateIn = (dir: string) => ({
  DATABASE_URL: `file:${dir}/leopard.db`,
  JWT_KEY_FILE: `${dir}/jwt-key.json`,
  FILES_DIR: `${dir}/files`,
});

function startServer(dir: string, port: number, threads: number, env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "dev"],
    env: {
      PORT: String(port),
      SERVE_THREADS: String(threads),
      ...stateIn(dir),
      SCHEDULE_INTERVAL_SECONDS: "0",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  /** Reads standard output until a line contains `text`. */
  const waitFor = async (text: string) => {
    let seen = "";
    while (!seen.includes(text)) {
      const { value, done } = await stdout.read();
      if (done) throw new Error(`the server exited before printing "${text}": ${seen}`);
      seen += value;
    }
    return seen;
  };
  /** Stops the server if it still runs, then lets go of its output. */
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  };
  return { child, waitFor, stop };
}

Deno.test("deno task dev serves from two threads on one port and stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const server = startServer(dir, port, 2);
  try {
    const banner = await server.waitFor("Leopard API on");
    assert.match(banner, /\(2 threads\)/);

    const answers = await Promise.all(
      Array.from({ length: 40 }, () => getOnNewConnection(port, "/health")),
    );
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200/);

    const second = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "dev"],
      env: { PORT: String(port), DATABASE_URL: `file:${dir}/other.db` },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(second.success, false, "a second server must not share a busy port");
    assert.match(new TextDecoder().decode(second.stderr), /AddrInUse|in use/i);

    server.child.kill("SIGTERM");
    const status = await server.child.status;
    assert.equal(status.code, 0);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task dev: a deactivation through one thread is refused at once on every thread", async () => {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const seeded = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "seed", "--quiet"],
    env: stateIn(dir),
    stdout: "null",
  }).output();
  assert.ok(seeded.success, new TextDecoder().decode(seeded.stderr));
  // Never looking at SQLite again after the first request: only the commit count
  // the threads share (local-commits.ts) can tell one thread of another's write.
  const server = startServer(dir, port, 2, { CHANGE_POLL_MS: "3600000" });
  const call = async (method: string, path: string, options?: { token?: string; body?: unknown }) =>
    parsed(await onNewConnection(port, method, path, options));
  const tokenOf = async (email: string) => {
    const login = await call("POST", "/api/v1/auth/login", {
      body: { email, password: "leopard-demo-2026" },
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    return login.body.access_token as string;
  };
  try {
    await server.waitFor("Leopard API on");
    const consultant = await tokenOf("consultant.b1.1@t1.leopard.test");
    const branchAdmin = await tokenOf("branch_admin.b1@t1.leopard.test");
    const many = (path: string) =>
      Promise.all(Array.from({ length: 24 }, () => call("GET", path, { token: consultant })));
    // 24 connections: each thread answers the consultant, and remembers it.
    const before = await many("/api/v1/auth/me");
    for (const answer of before) assert.equal(answer.status, 200);

    const removed = await call("DELETE", `/api/v1/users/${before[0].body.id}`, {
      token: branchAdmin,
    });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    for (const answer of await many("/api/v1/clients/")) {
      assert.equal(answer.status, 401, JSON.stringify(answer.body).slice(0, 200));
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task seed and dev on a file: URL with a percent-encoded path use the one file it names", async () => {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  // `file:` URLs are percent-decoded by @libsql/client: this one names "leopard db.db".
  const state = { ...stateIn(dir), DATABASE_URL: `file:${dir}/leopard%20db.db` };
  // At scale 2 the seed's staging thread writes its clients into the same file.
  const seeded = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "seed", "--quiet", "--scale", "2"],
    env: state,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(seeded.success, new TextDecoder().decode(seeded.stderr));
  const server = startServer(dir, port, 2, state);
  const call = async (method: string, path: string, options?: { token?: string; body?: unknown }) =>
    parsed(await onNewConnection(port, method, path, options));
  try {
    await server.waitFor("Leopard API on");
    const login = await call("POST", "/api/v1/auth/login", {
      body: { email: "consultant.b1.1@t1.leopard.test", password: "leopard-demo-2026" },
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const token = login.body.access_token as string;
    // Each on a new connection, which the kernel may hand to either serving thread.
    for (let i = 0; i < 8; i++) {
      const list = await call("GET", "/api/v1/clients/", { token });
      assert.equal(list.status, 200, JSON.stringify(list.body).slice(0, 200));
      assert.equal(list.body.count, 20);
    }
    const names = [...Deno.readDirSync(dir)].map((entry) => entry.name)
      .filter((name) => name.startsWith("leopard"));
    assert.deepEqual(names.sort(), ["leopard db.db", "leopard db.db-shm", "leopard db.db-wal"]);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
