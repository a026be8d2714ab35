/**
 * The primary's replication endpoint: `GET /internal/replication/log?after=N`
 * streams the log from position N on, as newline-delimited JSON (`{"entries":
 * [...]}` as writes commit, `{}` as a heartbeat when idle), on one response that
 * stays open: a far region learns of a write one network trip after it commits,
 * with no gap between polls for a write to fall into.
 * Only regions holding REPLICATION_SECRET may read it: it carries every write
 * of every tenant. Not part of the public API and not in its OpenAPI document.
 * @module
 */
import type { Client } from "@libsql/client";
import { ApiError, errorBody } from "../lib/errors.ts";
import { oldestPosition, readLog } from "./replication-log.ts";

export const FEED_PATH = "/internal/replication/log";
/** The primary file's identity (replication-log.ts databaseId), on every feed. */
export const DATABASE_ID_HEADER = "Leopard-Database-Id";
const MAX_ENTRIES = 500;
/** How often an open feed looks for a write (another thread's or process's). */
const CHECK_MS = 5;

/** Compares secrets in time independent of where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}

function refuse(status: 400 | 401 | 410, code: string, message: string): Response {
  return Response.json(errorBody(new ApiError(status, code, message), crypto.randomUUID()), {
    status,
  });
}

/**
 * The feed's handler: null, at once, for any other path (every request of the
 * primary passes here first, so it costs them one substring test).
 */
export function replicationFeed(
  client: Client,
  secret: string,
  heartbeatMs: number,
  databaseId: number,
) {
  return (request: Request): Promise<Response> | null => {
    if (!request.url.includes(FEED_PATH)) return null;
    const url = new URL(request.url);
    return url.pathname === FEED_PATH ? answer(request, url) : null;
  };

  async function answer(request: Request, url: URL): Promise<Response> {
    if (!sameSecret(request.headers.get("authorization") ?? "", `Bearer ${secret}`)) {
      return refuse(401, "not_authenticated", "The replication feed needs the region secret.");
    }
    let after = Number(url.searchParams.get("after") ?? "0");
    if (!Number.isSafeInteger(after) || after < 0) {
      return refuse(400, "bad_request", "after must be a non-negative integer.");
    }
    const oldest = await oldestPosition(client);
    if (oldest !== null && after < oldest - 1) {
      return refuse(
        410,
        "replica_too_far_behind",
        `The log before position ${oldest} was pruned: copy the primary's file again.`,
      );
    }
    const encoder = new TextEncoder();
    let open = true;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        let quietSince = Date.now();
        try {
          while (open) {
            const entries = await readLog(client, after, MAX_ENTRIES);
            if (entries.length > 0) {
              after = entries[entries.length - 1].position;
              controller.enqueue(encoder.encode(JSON.stringify({ entries }) + "\n"));
              quietSince = Date.now();
            } else if (Date.now() - quietSince >= heartbeatMs) {
              controller.enqueue(encoder.encode("{}\n"));
              quietSince = Date.now();
            } else {
              await new Promise((r) => setTimeout(r, CHECK_MS));
            }
          }
        } catch (error) {
          if (open) controller.error(error);
        }
      },
      cancel() {
        open = false;
      },
    });
    return new Response(body, {
      headers: { "content-type": "application/x-ndjson", [DATABASE_ID_HEADER]: String(databaseId) },
    });
  }
}
