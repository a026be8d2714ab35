/**
 * A primary and far regions on 127.0.0.1, each a `deno task dev` as a new user
 * runs it: the seeded demo database, copied to each region as its replica (a
 * region starts from a copy of the primary's file), and a delay proxy between a
 * region and the primary where it is "far". Used by the regions test and
 * `deno task bench:regions`.
 * @module
 */
import { createClient } from "@libsql/client";
import { freePort } from "../../edge/wrangler.ts";
import { databaseId } from "../../src/regions/replication-log.ts";
import { startDelayProxy } from "./delay-proxy.ts";

export const REPLICATION_SECRET = "bench-regions-secret-0123456789";

export type Server = {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port and file. */
  restart(): Promise<void>;
};

export type Cluster = {
  dir: string;
  primary: Server;
  /** In the order of `regionDelaysMs`; each reaches the primary through its delay. */
  regions: Server[];
  stop(): Promise<void>;
};

/** Runs `deno task dev` with `env`, resolving once it prints its banner. */
function startServer(env: Record<string, string>): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "dev"],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  child.stderr.pipeTo(new WritableStream()).catch(() => {});
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  return new Promise((resolve, reject) => {
    let seen = "";
    let listening = false;
    (async () => {
      // Request logs keep coming after the banner; read them all so the pipe never fills.
      for (;;) {
        const { value, done } = await lines.read();
        if (done) return reject(new Error(`the server exited before listening: ${seen}`));
        if (listening) continue;
        seen += value;
        if (seen.includes("Leopard API on")) {
          listening = true;
          resolve(child);
        }
      }
    })().catch(reject);
  });
}

function serverOn(port: number, env: Record<string, string>): Promise<Server> {
  let child: Deno.ChildProcess | undefined;
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    port,
    async kill() {
      if (!child) return;
      // `deno task` runs the server as its child, which SIGKILL would orphan.
      await new Deno.Command("pkill", { args: ["-KILL", "-P", String(child.pid)] }).output();
      try {
        child.kill("SIGKILL");
      } catch { /* it ended with its child */ }
      await child.status;
      child = undefined;
    },
    async restart() {
      child = await startServer({ ...env, PORT: String(port) });
    },
  };
  return server.restart().then(() => server);
}

/** Seeds the demo into `dir`/primary.db and starts the primary and one region per delay. */
export async function startCluster(
  o: { regionDelaysMs: number[]; catchUpMs?: number },
): Promise<Cluster> {
  const dir = await Deno.makeTempDir({ prefix: "leopard-regions-" });
  const common = {
    JWT_KEY_FILE: `${dir}/jwt-key.json`,
    REPLICATION_SECRET,
    SCHEDULE_INTERVAL_SECONDS: "0",
    RATE_LIMIT_PER_MINUTE: "0",
    TENANT_RATE_LIMIT_PER_MINUTE: "0",
    ANON_RATE_LIMIT_PER_MINUTE: "0",
    LOGIN_RATE_LIMIT_PER_MINUTE: "0",
    REGION_CATCH_UP_MS: String(o.catchUpMs ?? 2000),
  };
  const { REPLICATION_SECRET: _secret, ...unreplicated } = common;
  const seeded = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "seed"],
    env: { ...unreplicated, DATABASE_URL: `file:${dir}/primary.db` },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!seeded.success) throw new Error(new TextDecoder().decode(seeded.stderr));
  // As an operator would: give the primary its identity, then take each region's copy
  // with VACUUM INTO (a consistent file, header included).
  const file = createClient({ url: `file:${dir}/primary.db` });
  await databaseId(file, true);
  for (let i = 0; i < o.regionDelaysMs.length; i++) {
    await file.execute(`VACUUM INTO '${dir}/region-${i}.db'`);
  }
  file.close();

  const primary = await serverOn(freePort(), {
    ...common,
    DATABASE_URL: `file:${dir}/primary.db`,
  });
  const proxies: { close: () => void }[] = [];
  const regions: Server[] = [];
  for (const [i, delayMs] of o.regionDelaysMs.entries()) {
    let upstream = primary.port;
    if (delayMs > 0) {
      upstream = freePort();
      proxies.push(startDelayProxy({ port: upstream, upstreamPort: primary.port, delayMs }));
    }
    regions.push(
      await serverOn(freePort(), {
        ...common,
        DATABASE_URL: `file:${dir}/region-${i}.db`,
        REGION_PRIMARY_URL: `http://127.0.0.1:${upstream}`,
      }),
    );
  }
  return {
    dir,
    primary,
    regions,
    async stop() {
      for (const server of [...regions, primary]) await server.kill();
      for (const proxy of proxies) proxy.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
