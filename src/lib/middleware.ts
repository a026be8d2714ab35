/**
 * Cross-cutting HTTP middleware: request id and log line, content-type and size
 * rules, the anonymous per-IP rate limit and the one rate-limit check. Mounted once by createApp, in that order.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";
import { uuidv7 } from "./ids.ts";
import type { RateDecision } from "./rate-limit.ts";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Puts deps, a request id (the caller's if well-formed, so traces join up) and the
 * client IP on the context, and writes one JSON log line per request: no bodies,
 * no query strings (search terms are personal data), no secrets.
 */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : uuidv7();
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("ip", deps.clientIp(c.req.raw, c.env));
    try {
      await next();
    } finally {
      const actor = c.get("actor");
      const scope = c.get("scope");
      deps.log({
        level: c.res.status >= 500 ? "error" : "info",
        msg: "request",
        request_id: requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        tenant: scope && scope.level !== "platform" ? scope.tenantId : actor?.tenantId ?? null,
        user: actor?.userId ?? null,
      });
    }
  };
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** A write with a body must say it is JSON (415 otherwise): no form posts, no guessing. */
export function requireJsonBodies(
  isUpload: (path: string) => boolean,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // An upload route takes multipart/form-data and checks its own body.
    if (BODY_METHODS.has(c.req.method) && !isUpload(c.req.path)) {
      const length = c.req.header("content-length");
      const hasBody = c.req.raw.body !== null && length !== "0";
      const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
      const isJson = type === "application/json" || type.endsWith("+json");
      if (hasBody && !isJson) {
        throw new ApiError(415, "unsupported_media_type", "Send the body as application/json.");
      }
    }
    await next();
  };
}

/**
 * Refuses bodies above the configured size with 413, streaming or not: JSON
 * bodies at `maxBytes`, uploads at `uploadMaxBytes` (plus room for the form's
 * own framing; the file itself is measured exactly by its route).
 */
export function limitBodySize(
  maxBytes: number,
  uploadMaxBytes: number,
  isUpload: (path: string) => boolean,
): MiddlewareHandler<AppEnv> {
  const limit = (max: number) =>
    bodyLimit({
      maxSize: max,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `The body exceeds ${max} bytes.`);
      },
    });
  const json = limit(maxBytes);
  const upload = limit(uploadMaxBytes + 64 * 1024);
  return (c, next) => (isUpload(c.req.path) ? upload(c, next) : json(c, next));
}

/** The draft-standard headers (draft-ietf-httpapi-ratelimit-headers-07) of one decision. */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  if (decision.limit === 0) return {};
  return {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(decision.resetSeconds),
  };
}

/**
 * Checks `key` against `limit` per minute and throws 429 (its details carry the
 * decision, which the error handler turns into Retry-After and RateLimit-*) when
 * it is spent. Counts the request unless `counts` is "failures", where the caller
 * records failures itself with {@link recordFailure}.
 */
export async function checkRateLimit(
  deps: AppDeps,
  key: string,
  limit: number,
  counts: "requests" | "failures" = "requests",
): Promise<RateDecision> {
  const now = deps.clock().getTime();
  const decision = counts === "requests"
    ? await deps.rateLimiter.hit(key, limit, now)
    : await deps.rateLimiter.peek(key, limit, now);
  if (decision.retryAfterSeconds > 0) {
    const retryAfter = decision.retryAfterSeconds;
    throw new ApiError(429, "rate_limited", `Too many requests; retry in ${retryAfter} s.`, {
      retry_after: retryAfter,
      limit: decision.limit,
      reset: decision.resetSeconds,
    });
  }
  return decision;
}

/**
 * Counts this request against `key` and shows the limit in the response's
 * RateLimit-* headers: of several limits, the one that leaves the fewest requests.
 */
export async function limitRequest(c: Context<AppEnv>, key: string, limit: number) {
  const decision = await checkRateLimit(c.get("deps"), key, limit);
  const shown = c.get("rateLimit");
  if (decision.limit === 0 || (shown && shown.remaining < decision.remaining)) return;
  c.set("rateLimit", decision);
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
}

/** Counts one failure (a wrong password) against a failures-only limit. */
export async function recordFailure(deps: AppDeps, key: string, limit: number): Promise<void> {
  await deps.rateLimiter.hit(key, limit, deps.clock().getTime());
}

/**
 * Anonymous routes (`paths`: login, refresh, JWKS, health, docs) count against the
 * client IP; authenticated routes count per user and tenant in requireAuth
 * instead, so an office behind one address is never limited as one caller.
 */
export function rateLimitAnonymous(paths: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path.length > 1 ? c.req.path.replace(/\/$/, "") : c.req.path;
    if (paths.has(path)) {
      await limitRequest(c, `ip:${c.get("ip")}`, c.get("deps").config.anonRateLimitPerMinute);
    }
    await next();
  };
}
