/**
 * `deno task edge:migrations`: writes D1's copy of `migrations/` into
 * .wrangler/d1-migrations, where wrangler.toml's D1 binding reads it.
 * @module
 */
import { D1_MIGRATIONS_DIR, writeD1Migrations } from "./wrangler.ts";

const files = await writeD1Migrations();
console.log(`${files.length} migrations in ${D1_MIGRATIONS_DIR}`);
