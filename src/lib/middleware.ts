/**
 * Cross-cutting HTTP middleware: request id and log line, content-type and size
 * rules, per-IP rate limit. Mounted once by createApp, in that order.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";
import { uuidv7 } from "./ids.ts";

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
    c.header("X-Request-ID", requestId);
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
export function requireJsonBodies(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (BODY_METHODS.has(c.req.method)) {
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

/** Refuses bodies above the configured size with 413, streaming or not. */
export function limitBodySize(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `The body exceeds ${maxBytes} bytes.`);
    },
  });
}

/**
 * Throws 429 with Retry-After when `key` is over `limit` this minute. Counts the
 * request unless `counts` is "failures", where the caller records failures
 * itself with {@link recordFailure}.
 */
export function enforceRateLimit(
  deps: AppDeps,
  key: string,
  limit: number,
  counts: "requests" | "failures" = "requests",
): void {
  const now = deps.clock().getTime();
  const retryAfter = counts === "requests"
    ? deps.rateLimiter.hit(key, limit, now)
    : deps.rateLimiter.peek(key, limit, now);
  if (retryAfter > 0) {
    throw new ApiError(429, "rate_limited", `Too many requests; retry in ${retryAfter} s.`, {
      retry_after: retryAfter,
    });
  }
}

/** Counts one failure (a wrong password) against a failures-only limit. */
export function recordFailure(deps: AppDeps, key: string, limit: number): void {
  deps.rateLimiter.hit(key, limit, deps.clock().getTime());
}

/** Every request counts against its client IP. */
export function rateLimitByIp(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    enforceRateLimit(deps, `ip:${c.get("ip")}`, deps.config.rateLimitPerMinute);
    await next();
  };
}
