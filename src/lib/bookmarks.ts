/**
 * Read-your-writes on replicated databases (SPEC §1): a caller that sends back the
 * `Leopard-Bookmark` of its last answer reads a replica at least that new, in any
 * region; a caller with none reads the nearest replica as it is. The entry decides
 * what a bookmark is (a D1 Sessions bookmark on Workers, a replication-log
 * position on a Deno primary: src/regions); on a single database there are no
 * sessions and the header is neither read nor sent.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Database } from "../db/database.ts";
import type { AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";

export const BOOKMARK_HEADER = "Leopard-Bookmark";

/** Methods that only read: what a replica may answer. */
export const READ_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** The 400 of a bookmark this API could not have returned. */
export function invalidBookmark(): ApiError {
  return new ApiError(
    400,
    "invalid_bookmark",
    `${BOOKMARK_HEADER} must be a bookmark this API returned.`,
  );
}

/** A path without its trailing slash, as routes match it either way. */
export function routePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** Bookmarks are opaque to callers but never free text: letters, digits, `-`, `.`, `:`. */
const WELL_FORMED = /^[A-Za-z0-9.:-]{1,128}$/;

/** One request's view of the database. */
export type ReadSession = {
  db: Database;
  bookmark: () => string | null | Promise<string | null>;
};

export type ReadSessions = {
  /**
   * A database for one request, reading at least as new as `bookmark`, or with none
   * the nearest replica (`replica`) or the primary (`primary`). Throws an ApiError
   * for a bookmark the engine refuses.
   */
  open(bookmark: string | null, first: "replica" | "primary"): ReadSession;
};

/**
 * Opens the request's session and answers its bookmark. `primaryPaths` (the
 * notification stream) start at the primary: a stream must see every commit the
 * moment it is woken for it.
 */
export function readSessions(
  sessions: ReadSessions | undefined,
  primaryPaths: ReadonlySet<string>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!sessions) return await next();
    const sent = c.req.header(BOOKMARK_HEADER)?.trim() || null;
    if (sent !== null && !WELL_FORMED.test(sent)) throw invalidBookmark();
    // A write reads what it changes at the primary: on a stale replica its "no change"
    // or its status guard would judge against an old row.
    const write = !READ_METHODS.has(c.req.method);
    const session = sessions.open(
      write ? null : sent,
      write || primaryPaths.has(routePath(c.req.path)) ? "primary" : "replica",
    );
    c.set("deps", { ...c.get("deps"), db: session.db });
    try {
      await next();
    } finally {
      const bookmark = await session.bookmark();
      if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
    }
  };
}
