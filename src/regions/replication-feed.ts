/**
 * The primary's replication endpoint: `GET /internal/replication/log?after=N`
 * answers the log entries after position N, holding the request open up to
 * `wait_ms` until there is one (a long poll, so a far region learns of a write
 * one network trip after it commits, with no polling traffic while idle).
 * Only regions holding REPLICATION_SECRET may read it: it carries every write
 * of every tenant. Not part of the public API and not in its OpenAPI document.
 * @module
 */
import type { Client } from "@libsql/client";
import { ApiError, errorBody } from "../lib/errors.ts";
import { readLog } from "./replication-log.ts";

export const FEED_PATH = "/internal/replication/log";
const MAX_ENTRIES = 500;
const MAX_WAIT_MS = 30_000;
/** How often a held request looks for a write (another thread's or process's). */
const CHECK_MS = 5;

/** Compares secrets in time independent of where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}

function refuse(status: 400 | 401, code: string, message: string): Response {
  return Response.json(errorBody(new ApiError(status, code, message), crypto.randomUUID()), {
    status,
  });
}

/** The feed's handler, or null for any other path. */
export function replicationFeed(client: Client, secret: string) {
  return async (request: Request): Promise<Response | null> => {
    const url = new URL(request.url);
    if (url.pathname !== FEED_PATH) return null;
    if (!sameSecret(request.headers.get("authorization") ?? "", `Bearer ${secret}`)) {
      return refuse(401, "not_authenticated", "The replication feed needs the region secret.");
    }
    const after = Number(url.searchParams.get("after") ?? "0");
    const waitMs = Number(url.searchParams.get("wait_ms") ?? "0");
    if (!Number.isSafeInteger(after) || after < 0 || !Number.isFinite(waitMs) || waitMs < 0) {
      return refuse(400, "bad_request", "after and wait_ms must be non-negative integers.");
    }
    const until = Date.now() + Math.min(waitMs, MAX_WAIT_MS);
    let entries = await readLog(client, after, MAX_ENTRIES);
    while (entries.length === 0 && Date.now() < until && !request.signal.aborted) {
      await new Promise((r) => setTimeout(r, CHECK_MS));
      entries = await readLog(client, after, MAX_ENTRIES);
    }
    return Response.json({ entries });
  };
}
