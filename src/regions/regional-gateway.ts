/**
 * The front of a far region's server. Reads are answered here, from the local
 * replica, at local speed; writes (and the notification stream, which must see
 * every commit the moment it happens) go to the primary region over HTTP,
 * once, as they came. After a forwarded write the answer waits until the
 * replica holds it, so the caller's next read here shows it; every answer
 * carries the replica's position as `Leopard-Bookmark`, and a read that sends a
 * newer one waits for it, or is sent to the primary when the replica cannot
 * catch up in time.
 *
 * When the primary cannot be reached, reads still answer from the replica and
 * say how stale they may be (`Leopard-Replica-Stale`: seconds since the last
 * sync); writes get 503 with Retry-After and nothing is written anywhere.
 * @module
 */
import { BOOKMARK_HEADER } from "../lib/bookmarks.ts";
import { ApiError, errorBody } from "../lib/errors.ts";
import type { Replica } from "./replica.ts";

export const STALE_HEADER = "Leopard-Replica-Stale";
/** Marks a request relayed by a region, whose X-Forwarded-For the primary may trust. */
export const RELAY_HEADER = "Leopard-Relay";
const RETRY_AFTER_SECONDS = 5;
const BOOKMARK = /^\d{1,15}$/;
const LOCAL_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type GatewayOptions = {
  primaryUrl: string;
  secret: string;
  replica: Replica;
  /** Paths answered by the primary even when read (long-lived, must see each commit). */
  primaryPaths: ReadonlySet<string>;
  /** How long a request waits for the replica to reach a position it needs. */
  catchUpMs: number;
  forwardTimeoutMs: number;
  fetch?: typeof fetch;
};

type Handler<I> = (request: Request, info: I) => Response | Promise<Response>;

function errorResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  const requestId = crypto.randomUUID();
  return Response.json(errorBody(error, requestId), {
    status: error.status,
    headers: { "x-request-id": requestId, ...headers },
  });
}

/** A response whose headers this gateway may add to (a fetched one's are immutable). */
function editable(response: Response): Response {
  return new Response(response.body, response);
}

/** Wraps the local app (`local`) as a far region's handler; `clientIp` names the caller. */
export function regionalGateway<I>(
  local: Handler<I>,
  clientIp: (info: I) => string,
  options: GatewayOptions,
): Handler<I> {
  const send = options.fetch ?? fetch;
  const { replica } = options;

  const forward = async (request: Request, info: I, longLived: boolean): Promise<Response> => {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, options.primaryUrl);
    const headers = new Headers(request.headers);
    headers.delete("host");
    headers.set("x-forwarded-for", clientIp(info));
    headers.set(RELAY_HEADER, options.secret);
    const hasBody = request.body !== null && !LOCAL_METHODS.has(request.method);
    return await send(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      signal: longLived
        ? request.signal
        : AbortSignal.any([request.signal, AbortSignal.timeout(options.forwardTimeoutMs)]),
    });
  };

  const unreachable = () =>
    errorResponse(
      new ApiError(
        503,
        "primary_unreachable",
        "This region cannot reach the primary to write; nothing was changed. Retry shortly.",
      ),
      { "retry-after": String(RETRY_AFTER_SECONDS) },
    );

  const answerLocally = async (request: Request, info: I): Promise<Response> => {
    const response = editable(await local(request, info));
    response.headers.set(BOOKMARK_HEADER, String(replica.position()));
    const staleSince = replica.staleSince();
    if (staleSince) {
      const seconds = Math.max(0, Math.round((Date.now() - staleSince.getTime()) / 1000));
      response.headers.set(STALE_HEADER, String(seconds));
    }
    return response;
  };

  return async (request, info) => {
    // Only a region may vouch for a caller's address.
    if (request.headers.has(RELAY_HEADER)) {
      request = new Request(request);
      request.headers.delete(RELAY_HEADER);
    }
    const path = new URL(request.url).pathname;
    const isWrite = !LOCAL_METHODS.has(request.method);
    if (isWrite || options.primaryPaths.has(path)) {
      let response: Response;
      try {
        response = await forward(request, info, !isWrite);
      } catch {
        return unreachable();
      }
      const position = Number(response.headers.get(BOOKMARK_HEADER) ?? "0");
      if (isWrite && position > 0) await replica.caughtUp(position, options.catchUpMs);
      return response;
    }

    const sent = request.headers.get(BOOKMARK_HEADER)?.trim();
    if (sent) {
      if (!BOOKMARK.test(sent)) {
        return errorResponse(
          new ApiError(
            400,
            "invalid_bookmark",
            `${BOOKMARK_HEADER} must be a bookmark this API returned.`,
          ),
        );
      }
      const caughtUp = await replica.caughtUp(Number(sent), options.catchUpMs);
      if (!caughtUp) {
        // Newer than this replica can show in time: the primary has it (or, for a
        // bookmark no write ever returned, has the newest there is).
        try {
          return await forward(request, info, false);
        } catch {
          // Unreachable: the replica's answer, marked stale, beats none.
        }
      }
    }
    return await answerLocally(request, info);
  };
}
