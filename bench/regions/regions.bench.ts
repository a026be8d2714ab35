/**
 * `deno task bench:regions`: the multi-region simulation. A primary and two far
 * regions, each 75 ms from the primary each way through a userspace delay proxy
 * (150 ms round trip), on the seeded demo. A consultant in region A reads and
 * writes there; a reader in region B watches for each write; the same calls are
 * also sent straight to the primary from region A, through the same distance.
 * Prints a table; asserts nothing about time.
 * @module
 */
import { freePort } from "../../edge/wrangler.ts";
import { startCluster } from "./cluster.ts";
import { startDelayProxy } from "./delay-proxy.ts";

const DELAY_MS = Number(Deno.env.get("DELAY_MS") ?? 75);
const READS = Number(Deno.env.get("READS") ?? 300);
const WRITES = Number(Deno.env.get("WRITES") ?? 100);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (v: number) => v.toFixed(1);

async function json(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return { body, headers: response.headers };
}

async function login(base: string, email: string): Promise<string> {
  const { body } = await json(base, "/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "leopard-demo-2026" }),
  });
  return body.access_token;
}

/** Times `n` runs of `task`, one after another (a user's calls, not a load test). */
async function timed(n: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await task(i);
    out.push(performance.now() - start);
  }
  return out;
}

console.log(`Starting a primary and two regions ${DELAY_MS} ms from it each way…`);
const cluster = await startCluster({ regionDelaysMs: [DELAY_MS, DELAY_MS] });
const [regionA, regionB] = cluster.regions.map((r) => r.url);
const directPort = freePort();
const direct = startDelayProxy({
  port: directPort,
  upstreamPort: cluster.primary.port,
  delayMs: DELAY_MS,
});
const primaryFromA = `http://127.0.0.1:${directPort}`;

try {
  const token = await login(regionA, "consultant.b1.1@t1.leopard.test");
  const readerB = await login(regionB, "branch_admin.b1@t1.leopard.test");
  const auth = { authorization: `Bearer ${token}` };
  const { body: page } = await json(regionA, "/api/v1/clients/?page_size=1", { headers: auth });
  const path = `/api/v1/clients/${page.results[0].id}/`;
  let bookmark = "0";

  const read = (base: string) => async () => {
    const { headers } = await json(base, path, {
      headers: { ...auth, "leopard-bookmark": bookmark },
    });
    bookmark = headers.get("leopard-bookmark") ?? bookmark;
  };
  const list = (base: string) => () => json(base, "/api/v1/clients/", { headers: auth });
  const write = (base: string, label: string) => async (i: number) => {
    const { headers } = await json(base, path, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ notes: `${label} ${i}` }),
    });
    bookmark = headers.get("leopard-bookmark") ?? bookmark;
  };

  // Warm connections and caches on every path first.
  for (const base of [regionA, primaryFromA]) {
    await timed(5, read(base));
    await timed(5, list(base));
  }

  const farRead = await timed(READS, read(regionA));
  const farList = await timed(READS, list(regionA));
  const directRead = await timed(Math.min(READS, 100), read(primaryFromA));
  const directList = await timed(Math.min(READS, 100), list(primaryFromA));
  const directWrite = await timed(Math.min(WRITES, 50), write(primaryFromA, "direct"));

  // A write in A, then A's next read (read-your-writes) and B's first sight of it.
  const farWrite: number[] = [];
  const visibleInB: number[] = [];
  let ownReadsRight = 0;
  for (let i = 0; i < WRITES; i++) {
    const notes = `far ${i}`;
    const start = performance.now();
    await write(regionA, "far")(i);
    farWrite.push(performance.now() - start);
    const { body: mine } = await json(regionA, path, {
      headers: { ...auth, "leopard-bookmark": bookmark },
    });
    if (mine.notes === notes) ownReadsRight++;
    for (;;) {
      const { body } = await json(regionB, path, {
        headers: { authorization: `Bearer ${readerB}` },
      });
      if (body.notes === notes) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    visibleInB.push(performance.now() - start);
  }

  const row = (name: string, values: number[]) =>
    `| ${name} | ${values.length} | ${ms(percentile(values, 50))} | ${
      ms(percentile(values, 99))
    } |`;
  console.log(
    [
      "",
      `Regions on 127.0.0.1, ${DELAY_MS} ms each way between each region and the primary ` +
      `(${2 * DELAY_MS} ms RTT), ${new Date().toISOString().slice(0, 10)}, ` +
      `${navigator.hardwareConcurrency} cores, ${Deno.build.os}/${Deno.build.arch}`,
      "",
      "| call (sent one after another by one client) | n | p50 ms | p99 ms |",
      "|---|---:|---:|---:|",
      row("far read: client detail in region A", farRead),
      row("far read: client list (25) in region A", farList),
      row("far write: PATCH client in region A (forwarded once)", farWrite),
      row("write in A → visible to a reader in region B (from the write's start)", visibleInB),
      row("same detail, straight to the primary from A", directRead),
      row("same list, straight to the primary from A", directList),
      row("same PATCH, straight to the primary from A", directWrite),
      "",
      `read-your-writes in region A: ${ownReadsRight} of ${WRITES} reads right after a write showed it`,
    ].join("\n"),
  );
} finally {
  direct.close();
  await cluster.stop();
}
