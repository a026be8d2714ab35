/**
 * `deno task edge`: runs the Worker locally under `wrangler dev` on 127.0.0.1 (PORT,
 * default 8787) against a local D1 database in .wrangler/state: installs the pinned
 * wrangler, applies the migrations, creates a development signing key in
 * .dev.vars (git-ignored) on first run, and adds the platform admin
 * (SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD, as `deno task seed`).
 * @module
 */
import { generatePrivateJwk } from "../src/auth/keys.ts";
import { scryptHasher } from "../src/auth/passwords.ts";
import { loadConfig } from "../src/config.ts";
import { uuidv7 } from "../src/lib/ids.ts";
import {
  applyLocalMigrations,
  ensureDenoModules,
  ensureWrangler,
  executeLocal,
  LOCAL_ENV,
  platformAdminSql,
  ROOT,
  WRANGLER,
  wranglerEnv,
} from "./wrangler.ts";

const installed = await ensureWrangler();
if (!installed.ok) {
  console.error(installed.reason);
  Deno.exit(1);
}
await ensureDenoModules();
console.log(await applyLocalMigrations());

const devVars = `${ROOT}.dev.vars`;
try {
  await Deno.stat(devVars);
} catch {
  const jwk = JSON.stringify(await generatePrivateJwk());
  await Deno.writeTextFile(devVars, `JWT_PRIVATE_JWK='${jwk}'\n`, {
    mode: 0o600,
  });
  console.log(
    "Wrote a development signing key to .dev.vars (set JWT_PRIVATE_JWK there to change it).",
  );
}

const { email, password } = loadConfig(Deno.env.toObject()).seedAdmin;
await executeLocal(
  platformAdminSql(uuidv7(), email, await scryptHasher().hash(password)),
);
console.log(`Platform admin: ${email}`);

const port = Deno.env.get("PORT") ?? "8787";
const dev = new Deno.Command(WRANGLER, {
  args: [
    "dev",
    "--env",
    LOCAL_ENV,
    "--ip",
    "127.0.0.1",
    "--port",
    port,
    "--test-scheduled",
  ],
  cwd: ROOT,
  env: {
    ...wranglerEnv,
    CI: Deno.env.get("CI") ?? "",
    NO_COLOR: "",
    FORCE_COLOR: "",
  },
}).spawn();
// Ctrl-C reaches wrangler by itself (same terminal); a SIGTERM sent to this task is passed on.
Deno.addSignalListener("SIGTERM", () => dev.kill("SIGTERM"));
Deno.exit((await dev.status).code);
