/**
 * Part of `deno task bench`: document upload and download throughput of the real
 * server on 127.0.0.1 (multipart in, checked on its bytes, hashed, written to
 * FILES_DIR with its row and audit entry; audited download out), for 1 MB and
 * 10 MB files, one request after another. Prints figures; asserts nothing.
 * @module
 */
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { denoDeps } from "../src/deno-deps.ts";

const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 20);
const dir = await Deno.makeTempDir({ prefix: "leopard-files-bench-" });
const env = {
  DATABASE_URL: `file:${dir}/bench.db`,
  JWT_KEY_FILE: `${dir}/key.json`,
  FILES_DIR: `${dir}/files`,
  FILE_MAX_BYTES: String(16 * 1_048_576),
  RATE_LIMIT_PER_MINUTE: "0",
  TENANT_RATE_LIMIT_PER_MINUTE: "0",
  SCHEDULE_INTERVAL_SECONDS: "0",
};
const seeded = await new Deno.Command(Deno.execPath(), {
  args: ["task", "--quiet", "seed"],
  env,
  stdout: "null",
}).output();
if (!seeded.success) throw new Error("seed failed");

const { deps, close } = await denoDeps(loadConfig(env));
const app = createApp({ ...deps, log: () => {} });
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
const base = `http://127.0.0.1:${server.addr.port}`;

async function json(path: string, init: RequestInit = {}) {
  const res = await fetch(base + path, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const { access_token: token } = await json("/api/v1/auth/login", {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: "consultant.b1.1@t1.leopard.test", password: "leopard-demo-2026" }),
});
const auth = { authorization: `Bearer ${token}` };
const { results: [application] } = await json("/api/v1/visa-applications/?page_size=1", {
  headers: auth,
});
const { results: [item] } = await json(`/api/v1/visa-applications/${application.id}/documents`, {
  headers: auth,
});
const uploadPath = `/api/v1/visa-applications/${application.id}/documents/${item.id}/files`;

function pdfOf(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(out.subarray(i, i + 65_536));
  out.set(new TextEncoder().encode("%PDF-1.7\n"));
  return out;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows: string[] = [];
for (const mb of [1, 10]) {
  const file = pdfOf(mb * 1_048_576);
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const form = new FormData();
    form.append("file", new File([file as BlobPart], `scan-${i}.pdf`, { type: "application/pdf" }));
    let start = performance.now();
    const stored = await json(uploadPath, { method: "POST", headers: auth, body: form });
    up.push(performance.now() - start);
    start = performance.now();
    const res = await fetch(`${base}/api/v1/files/${stored.id}`, { headers: auth });
    const got = (await res.arrayBuffer()).byteLength;
    down.push(performance.now() - start);
    if (!res.ok || got !== file.length) throw new Error(`download ${res.status}, ${got} bytes`);
  }
  const total = (v: number[]) => v.reduce((a, b) => a + b, 0) / 1000;
  rows.push(
    `| ${mb} MB | ${ROUNDS} | ${median(up).toFixed(1)} | ${
      (ROUNDS * mb / total(up)).toFixed(0)
    } | ` +
      `${median(down).toFixed(1)} | ${(ROUNDS * mb / total(down)).toFixed(0)} |`,
  );
}
console.log(
  [
    "",
    `Document files on 127.0.0.1 (${new Date().toISOString().slice(0, 10)}, ` +
    `${navigator.hardwareConcurrency} cores), one request after another:`,
    "",
    "| file | n | upload p50 ms | upload MB/s | download p50 ms | download MB/s |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n"),
);
await server.shutdown();
close();
await Deno.remove(dir, { recursive: true });
