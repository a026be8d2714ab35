/**
 * `deno task seed`: bootstraps the platform admin from SEED_ADMIN_EMAIL /
 * SEED_ADMIN_PASSWORD (defaults in the README). Safe to re-run: an existing admin
 * is left as it is. The full demo data set comes with the seed issue.
 * @module
 */
import { eq } from "drizzle-orm";
import { loadConfig } from "./src/config.ts";
import { denoDeps } from "./src/deno-deps.ts";
import { users } from "./src/db/schema/index.ts";
import { uuidv7 } from "./src/lib/ids.ts";

const started = performance.now();
const config = loadConfig(Deno.env.toObject());
const { deps, client } = await denoDeps(config);
const { email, password } = config.seedAdmin;

const [existing] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, email));
if (existing) {
  console.log(`Platform admin ${email} already exists; nothing changed.`);
} else {
  const now = new Date().toISOString();
  await deps.db.insert(users).values({
    id: uuidv7(),
    email,
    password_hash: await deps.passwords.hash(password),
    first_name: "Platform",
    last_name: "Admin",
    role: "super_super_admin",
    created_at: now,
    updated_at: now,
  });
  console.log(`Created platform admin ${email}.`);
}
console.log(`Seed finished in ${Math.round(performance.now() - started)} ms.`);
client.close();
