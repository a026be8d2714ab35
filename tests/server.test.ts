/**
 * The Deno entry as a new user runs it (`deno task dev`): several serving threads
 * on one port, each answering on its own connections, a second server on a busy
 * port refused, and a clean stop on SIGTERM.
 */
import assert from "node:assert/strict";
import { freePort } from "../edge/wrangler.ts";

/** One request on a connection of its own, so the kernel may hand it to any thread. */
async function getOnNewConnection(port: number, path: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
  );
  let text = "";
  for await (const chunk of conn.readable.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

function startServer(dir: string, port: number, threads: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "dev"],
    env: {
      PORT: String(port),
      SERVE_THREADS: String(threads),
      DATABASE_URL: `file:${dir}/leopard.db`,
      JWT_KEY_FILE: `${dir}/jwt-key.json`,
      SCHEDULE_INTERVAL_SECONDS: "0",
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
  return { child, waitFor, stdout };
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
    try {
      server.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await server.stdout.cancel().catch(() => {});
    await server.child.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
