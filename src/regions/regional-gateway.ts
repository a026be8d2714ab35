/**
 * A far region's middleware (mounted by createApp after the request id, security
 * headers, CORS and body rules, so its answers carry them too). Reads are
 * answered here, from the local replica, at local speed; writes, the
 * notification stream (which must see every commit the moment it happens) and
 * a platform admin's requests in a tenant (each of which the primary audits)
 * go to the primary region over HTTP, once, as they came. After a forwarded
 * write the answer waits until the replica holds it, so the caller's next read
 * here shows it; every answer carries the replica's position as
 * `Leopard-Bookmark`, and a read that sends a newer one waits for it, or is
 * sent to the primary when the replica cannot catch up in time.
 *
 * When the primary cannot be reached, reads still answer from the replica and
 * say how stale they may be (`Leopard-Replica-Stale`: seconds since the last
 * sync); writes get 503 with Retry-After and nothing is written anywhere. A
 * write the primary did not answer in time is a 504: it may have landed.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { BOOKMARK_HEADER, invalidBookmark, READ_METHODS } from "../lib/bookmarks.ts";
import type { AppEnv } from "../lib/context.ts";
import { ApiError } from "../lib/errors.ts";
import type { Replica } from "./replica.ts";

export const STALE_HEADER = "Leopard-Replica-Stale";
/** Which copy answered: `replica` (this region) or `primary`. */
export const SERVED_BY_HEADER = "Leopard-Served-By";
/** Marks a request relayed by a region, whose X-Forwarded-For the primary may trust. */
export const RELAY_HEADER = "Leopard-Relay";
const RETRY_AFTER_SECONDS = 5;
const BOOKMARK = /^\d{1,15}$/;

export type GatewayOptions = {
  primaryUrl: string;
  secret: string;
  replica: Replica;
  /** Reads answered by the primary (the stream must see each commit; files live there). */
  readsAtPrimary: (path: string) => boolean;
  /** How long a request waits for the replica to reach a position it needs. */
  catchUpMs: number;
  forwardTimeoutMs: number;
  fetch?: typeof fetch;
};

/** A response whose headers the app's middleware may add to (a fetched one's are immutable). */
function served(response: Response, by: "primary" | "replica"): Response {
  const out = new Response(response.body, response);
  out.headers.set(SERVED_BY_HEADER, by);
  return out;
}

export function regionalGateway(options: GatewayOptions): MiddlewareHandler<AppEnv> {
  const send = options.fetch ?? fetch;
  const { replica } = options;
  const primary = new URL(options.primaryUrl);

  const forward = async (c: Context<AppEnv>, longLived: boolean): Promise<Response> => {
    const incoming = new URL(c.req.url);
    // Only the path and query come from the caller: `//host/x` must not pick the host.
    const target = new URL(primary);
    target.pathname = incoming.pathname;
    target.search = incoming.search;
    const headers = new Headers(c.req.raw.headers);
    headers.delete("host");
    headers.set("x-forwarded-for", c.get("ip"));
    headers.set("x-request-id", c.get("requestId"));
    headers.set(RELAY_HEADER, options.secret);
    const body = READ_METHODS.has(c.req.method) ? undefined : await c.req.raw.arrayBuffer();
    try {
      return await send(target, {
        method: c.req.method,
        headers,
        body,
        redirect: "manual",
        signal: longLived
          ? c.req.raw.signal
          : AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(options.forwardTimeoutMs)]),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === "TimeoutError") {
        throw new ApiError(
          504,
          "primary_timeout",
          "The primary did not answer in time; the change may have been made. Check before retrying.",
        );
      }
      throw new ApiError(
        503,
        "primary_unreachable",
        "This region cannot reach the primary; nothing was changed. Retry shortly.",
        { retry_after: RETRY_AFTER_SECONDS },
      );
    }
  };

  return async (c, next) => {
    const isWrite = !READ_METHODS.has(c.req.method);
    const toPrimary = isWrite || options.readsAtPrimary(c.req.path) ||
      c.req.header("x-tenant-id") !== undefined;
    if (toPrimary) {
      const response = await forward(c, !isWrite);
      const position = Number(response.headers.get(BOOKMARK_HEADER) ?? "0");
      if (isWrite && position > 0) await replica.caughtUp(position, options.catchUpMs);
      return served(response, "primary");
    }

    const sent = c.req.header(BOOKMARK_HEADER)?.trim();
    if (sent) {
      if (!BOOKMARK.test(sent)) throw invalidBookmark();
      if (!await replica.caughtUp(Number(sent), options.catchUpMs)) {
        // Newer than this replica can show in time: the primary has it (or, for a
        // bookmark no write ever returned, has the newest there is).
        try {
          return served(await forward(c, false), "primary");
        } catch {
          // Unreachable: the replica's answer, marked stale, beats none.
        }
      }
    }
    await next();
    c.header(BOOKMARK_HEADER, String(replica.position()));
    c.header(SERVED_BY_HEADER, "replica");
    const staleSince = replica.staleSince();
    if (staleSince) {
      const seconds = Math.max(0, Math.round((Date.now() - staleSince.getTime()) / 1000));
      c.header(STALE_HEADER, String(seconds));
    }
  };
}
