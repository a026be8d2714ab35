/**
 * Drives wrangler for local edge work: installs the version pinned in
 * edge/npm/package.json, generates D1's migration folder from drizzle's `migrations/`,
 * applies it to a local D1 database, seeds the platform admin, and starts
 * `wrangler dev` on 127.0.0.1. Used by `deno task edge`, `deno task
 * edge:migrations` and the edge end-to-end test.
 * @module
 */
import journal from "../migrations/meta/_journal.json" with { type: "json" };

/** Where npm installs the pinned wrangler (a folder of its own: no Deno code in it). */
const NPM_DIR = new URL("./npm/", import.meta.url).pathname;
/** The repository root, where wrangler.toml is. */
export const ROOT = new URL("..", import.meta.url).pathname;
/** The wrangler binary. */
export const WRANGLER = `${NPM_DIR}node_modules/.bin/wrangler`;
/** Where wrangler.toml's local D1 reads its migrations (git-ignored, generated). */
export const D1_MIGRATIONS_DIR = `${ROOT}.wrangler/d1-migrations`;
/** The wrangler.toml environment that binds a local D1 database instead of Turso. */
export const LOCAL_ENV = "local";

/**
 * The environment every wrangler run gets: no telemetry, no prompts, no colours, and
 * no download of Cloudflare's sample `request.cf` (a placeholder is used).
 */
export const wranglerEnv = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the pinned wrangler is installed (`npm ci` in edge/npm/ when it is not).
 * Answers why not instead of throwing, so a test can say it was skipped and why.
 */
export async function ensureWrangler(): Promise<
  { ok: true } | { ok: false; reason: string }
> {
  if (await exists(WRANGLER)) return { ok: true };
  try {
    const out = await new Deno.Command("npm", {
      args: ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
      cwd: NPM_DIR,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      return {
        ok: false,
        reason: `npm ci failed: ${new TextDecoder().decode(out.stderr).trim()}`,
      };
    }
  } catch (error) {
    return { ok: false, reason: `npm is not available: ${error}` };
  }
  return (await exists(WRANGLER))
    ? { ok: true }
    : { ok: false, reason: "npm ci did not install wrangler" };
}

/**
 * Wrangler bundles src/worker.ts with esbuild, which resolves packages from the
 * repository's node_modules: `deno install` fills it from deno.json (Deno's own
 * `nodeModulesDir`), so the Worker gets exactly the versions the Deno build uses.
 */
export async function ensureDenoModules(): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["install"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `deno install failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** Runs a wrangler command from the repository root; throws with its output when it fails. */
export async function wrangler(args: string[]): Promise<string> {
  const out = await new Deno.Command(WRANGLER, {
    args,
    cwd: ROOT,
    env: wranglerEnv,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${text}`);
  }
  return text;
}

const BREAKPOINT = /^--> statement-breakpoint\s*$/m;

/**
 * Writes D1's copy of the migrations: the same SQL drizzle-kit generated, one file
 * per journal entry, without drizzle's statement-breakpoint markers. It refuses
 * `PRAGMA foreign_keys=OFF`, which drizzle-kit emits for a table rebuild: D1 rejects
 * the rebuild under it; such a migration must use `PRAGMA defer_foreign_keys = ON`
 * instead (works on libSQL too; see src/db/migrate.ts).
 */
export async function writeD1Migrations(
  outDir = D1_MIGRATIONS_DIR,
): Promise<string[]> {
  await Deno.mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const { tag } of journal.entries) {
    const source = await Deno.readTextFile(`${ROOT}migrations/${tag}.sql`);
    if (/PRAGMA\s+foreign_keys\s*=\s*OFF/i.test(source)) {
      throw new Error(
        `migrations/${tag}.sql turns foreign keys off, which D1 refuses for a table rebuild: ` +
          "start it with PRAGMA defer_foreign_keys = ON instead.",
      );
    }
    const statements = source.split(BREAKPOINT).map((s) => s.trim()).filter(
      Boolean,
    );
    const file = `${tag}.sql`;
    await Deno.writeTextFile(
      `${outDir}/${file}`,
      `-- Generated from migrations/${file} by \`deno task edge:migrations\`; edit that file.\n` +
        statements.join("\n\n") + "\n",
    );
    written.push(file);
  }
  for await (const entry of Deno.readDir(outDir)) {
    if (entry.isFile && !written.includes(entry.name)) {
      await Deno.remove(`${outDir}/${entry.name}`);
    }
  }
  return written;
}

/** Options shared by the local D1 commands: which state folder, if not wrangler's default. */
export type LocalState = { persistTo?: string };

const stateArgs = (o: LocalState) => o.persistTo ? ["--persist-to", o.persistTo] : [];

/** Applies the generated migrations to the local D1 database. */
export async function applyLocalMigrations(
  o: LocalState = {},
): Promise<string> {
  await writeD1Migrations();
  return await wrangler([
    "d1",
    "migrations",
    "apply",
    "DB",
    "--local",
    "--env",
    LOCAL_ENV,
    ...stateArgs(o),
  ]);
}

/** Runs SQL on the local D1 database. */
export async function executeLocal(
  sql: string,
  o: LocalState = {},
): Promise<string> {
  return await wrangler([
    "d1",
    "execute",
    "DB",
    "--local",
    "--env",
    LOCAL_ENV,
    ...stateArgs(o),
    "--command",
    sql,
  ]);
}

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** SQL that adds the platform admin unless that email exists (seed.ts does the same on Deno). */
export function platformAdminSql(
  id: string,
  email: string,
  passwordHash: string,
): string {
  const now = literal(new Date().toISOString());
  return "INSERT INTO users (id, email, password_hash, first_name, last_name, role, " +
    "created_at, updated_at) SELECT " +
    [id, email, passwordHash, "Platform", "Admin", "super_super_admin"].map(
      literal,
    ).join(", ") +
    `, ${now}, ${now} WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = ${literal(email)})`;
}

/** A running `wrangler dev`: its output so far, and how to stop it. */
export type DevServer = {
  url: string;
  /** Everything wrangler and the Worker printed, line by line. */
  lines: string[];
  stop(): Promise<void>;
};

export type DevOptions = LocalState & {
  port: number;
  /** Variables on top of wrangler.toml's (and .dev.vars), e.g. a test's signing key. */
  vars?: Record<string, string>;
  /** Waits this long for /health to answer. */
  readyTimeoutMs?: number;
};

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts `wrangler dev --env local` on 127.0.0.1 and resolves once /health answers.
 * It runs in its own process group, so stopping it also ends workerd.
 */
export async function startDev(o: DevOptions): Promise<DevServer> {
  await ensureDenoModules();
  const vars = Object.entries(o.vars ?? {}).flatMap((
    [k, v],
  ) => ["--var", `${k}:${v}`]);
  const child = new Deno.Command(WRANGLER, {
    args: [
      "dev",
      "--env",
      LOCAL_ENV,
      "--ip",
      "127.0.0.1",
      "--port",
      String(o.port),
      "--inspector-port",
      String(freePort()),
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      ...stateArgs(o),
      ...vars,
    ],
    cwd: ROOT,
    env: wranglerEnv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const lines: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
    if (rest) lines.push(rest);
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      Deno.kill(-child.pid, "SIGTERM"); // the group: wrangler and its workerd
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
    }, 5_000);
    await child.status;
    clearTimeout(timer);
    await drained.catch(() => {});
  };

  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  let exited = false;
  child.status.then(() => (exited = true));
  while (true) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.status === 200 || res.status === 503) break;
    } catch { /* not listening yet */ }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `wrangler dev did not start:\n${lines.slice(-40).join("\n")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, lines, stop };
}
