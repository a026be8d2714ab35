/**
 * The headers every answer carries: security headers, CORS for the configured
 * origins, and the request id. Hono's `cors` reads `c.res` before the handler
 * runs, which builds a placeholder Response that the real one is then copied
 * over: three Response objects per request, 13 % of a list request in the
 * profile. Here every header is set once, on the final Response, after the
 * handler (and the error handler) made it; an OPTIONS request is answered here
 * as a CORS preflight, before any other middleware.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";

/** What Hono's secureHeaders sent with our options (the tests and clients rely on them). */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Resource-Policy", "same-site"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

const ALLOW_METHODS = "GET,HEAD,PUT,POST,DELETE,PATCH";

export type CorsOptions = {
  /** Exact origins a browser may call from; none means no cross-origin access. */
  origins: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  maxAgeSeconds: number;
};

/** Sets the security, CORS and X-Request-ID headers of every response. */
export function responseHeaders(cors: CorsOptions): MiddlewareHandler<AppEnv> {
  const origins = new Set(cors.origins);
  const expose = cors.exposeHeaders.join(",");
  const preflight: [string, string][] = [
    ["Access-Control-Allow-Methods", ALLOW_METHODS],
    ["Access-Control-Allow-Headers", cors.allowHeaders.join(",")],
    ["Access-Control-Max-Age", String(cors.maxAgeSeconds)],
  ];
  const allowedOrigin = (origin: string | undefined) =>
    origin && origins.has(origin) ? origin : null;

  return async (c, next) => {
    const origin = allowedOrigin(c.req.header("origin"));
    if (c.req.method === "OPTIONS") {
      const headers = new Headers(preflight);
      if (origin) headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Vary", "Origin, Access-Control-Request-Headers");
      for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
      headers.set("X-Request-ID", c.get("requestId"));
      return new Response(null, { status: 204, headers });
    }
    await next();
    const headers = c.res.headers;
    for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
    // A browser reads the exposed names only from a CORS answer to an allowed
    // origin (never from a preflight), so other answers go without them.
    if (origin) {
      headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Access-Control-Expose-Headers", expose);
    }
    headers.append("Vary", "Origin");
    headers.set("X-Request-ID", c.get("requestId"));
  };
}
