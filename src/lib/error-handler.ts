/**
 * Turns every failure into the SPEC §4 error body: ApiErrors as they are, Hono's
 * own HTTP errors (malformed JSON, …) by status, anything else as a 500 that shows
 * no internals. Unknown paths are 404, known paths with another method 405.
 * @module
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./context.ts";
import { ApiError, errorBody } from "./errors.ts";
import { uuidv7 } from "./ids.ts";
import { rateLimitHeaders } from "./middleware.ts";

function respond(c: Context<AppEnv>, error: ApiError): Response {
  const requestId = c.get("requestId") ?? uuidv7();
  const details = error.details as { retry_after?: number; limit?: number; reset?: number };
  if (details?.retry_after) c.header("Retry-After", String(details.retry_after));
  if (error.status === 429 && details?.retry_after) {
    const headers = rateLimitHeaders({
      limit: details.limit ?? 0,
      remaining: 0,
      resetSeconds: details.reset ?? details.retry_after,
      retryAfterSeconds: details.retry_after,
    });
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  }
  return c.json(errorBody(error, requestId), error.status);
}

function fromHttpException(error: HTTPException, contentType: string): ApiError {
  if (error.status === 400 && contentType.startsWith("multipart/form-data")) {
    return new ApiError(400, "invalid_upload", "The upload is not a valid multipart form.");
  }
  if (error.status === 400) {
    return new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
  if (error.status === 401) return new ApiError(401, "unauthorized", "Authentication required.");
  if (error.status === 413) return new ApiError(413, "payload_too_large", "The body is too large.");
  if (error.status === 415) {
    return new ApiError(415, "unsupported_media_type", "Send the body as application/json.");
  }
  return new ApiError(error.status, "http_error", error.message || "Request failed.");
}

/** The app's onError. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return respond(c, error);
  if (error instanceof HTTPException) {
    const contentType = (c.req.header("content-type") ?? "").toLowerCase();
    return respond(c, fromHttpException(error, contentType));
  }
  c.get("deps")?.log({
    level: "error",
    msg: "unhandled error",
    request_id: c.get("requestId"),
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return respond(c, new ApiError(500, "internal_error", "Something went wrong on our side."));
};

type KnownRoute = { method: string; pattern: RegExp };

/** Builds the app's notFound from its route table, to tell 404 from 405. */
export function notFoundOrNotAllowed(
  routes: () => { method: string; path: string }[],
): NotFoundHandler<AppEnv> {
  let known: KnownRoute[] | null = null;
  return (c) => {
    known ??= routes().filter((r) => r.method !== "ALL").map((r) => ({
      method: r.method,
      pattern: new RegExp(
        `^${r.path.replace(/\/$/, "").replace(/:[^/]+/g, "[^/]+").replace(/\*/g, ".*")}/?$`,
      ),
    }));
    const allowed = [
      ...new Set(known.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method)),
    ];
    if (allowed.length > 0) {
      c.header("Allow", allowed.join(", "));
      return respond(
        c,
        new ApiError(405, "method_not_allowed", `${c.req.method} is not allowed here.`),
      );
    }
    return respond(c, new ApiError(404, "not_found", "No such endpoint."));
  };
}
