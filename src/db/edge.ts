/**
 * The Worker's client factory: Turso over HTTP (`@libsql/client/web`) when
 * DATABASE_URL is set, else the D1 binding `DB` (local development and the edge
 * tests run on D1 under wrangler, over miniflare's real SQLite). Both come back as
 * the same {@link Database}; nothing above this file knows which it got.
 * @module
 */
// The web entries are typed as the Node ones they mirror (same Config, Client and
// drizzle handle): their own type graph pulls a second @types/node into `deno check`.
// @ts-types="@libsql/client"
import { createClient } from "@libsql/client/web";
import { drizzle as drizzleD1 } from "drizzle-orm/d1";
// @ts-types="drizzle-orm/libsql"
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql/web";
import type { D1Database } from "../edge/cloudflare.ts";
import { invalidBookmark, type ReadSessions } from "../lib/bookmarks.ts";
import { immediateBatches } from "./client-calls.ts";
import type { Database } from "./database.ts";
import type { MigrationLedger } from "./schema-version.ts";
import * as schema from "./schema/index.ts";

export type EdgeDatabaseEnv = {
  DB?: D1Database;
  DATABASE_URL?: string;
  DATABASE_AUTH_TOKEN?: string;
};

/**
 * D1 read replication: each request runs on a session that starts at the nearest
 * replica (or the primary) unless the caller's bookmark asks for a newer one. The
 * session is handed to drizzle as the binding it mirrors (prepare and batch).
 */
function d1Sessions(binding: D1Database): ReadSessions {
  return {
    open(bookmark, first) {
      let session: ReturnType<D1Database["withSession"]>;
      try {
        session = binding.withSession(
          bookmark ?? (first === "primary" ? "first-primary" : "first-unconstrained"),
        );
      } catch {
        throw invalidBookmark();
      }
      return {
        db: drizzleD1(session as unknown as D1Database, { schema }),
        bookmark: () => session.getBookmark(),
      };
    },
  };
}

/** Opens the Worker's database; says which migration ledger it keeps. */
export function openEdgeDatabase(
  env: EdgeDatabaseEnv,
): { db: Database; ledger: MigrationLedger; sessions?: ReadSessions } {
  if (env.DATABASE_URL) {
    if (env.DATABASE_URL.startsWith("file:")) {
      throw new Error("DATABASE_URL must be a libsql:// or https:// URL on Workers (no files).");
    }
    const client = immediateBatches(
      createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN }),
    );
    return { db: drizzleLibsql(client, { schema }), ledger: "drizzle" };
  }
  if (env.DB) {
    return { db: drizzleD1(env.DB, { schema }), ledger: "d1", sessions: d1Sessions(env.DB) };
  }
  throw new Error("No database: set the DATABASE_URL secret (Turso) or bind a D1 database as DB.");
}
