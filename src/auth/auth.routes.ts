/**
 * /auth routes and the public key set. Routes parse, call a service and shape.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
} from "../lib/router.ts";
import { requestMeta } from "../lib/request-meta.ts";
import { UserSchema } from "../modules/users/users.schemas.ts";
import {
  ChangePasswordSchema,
  LoginSchema,
  RefreshSchema,
  TokenPairSchema,
} from "./auth.schemas.ts";
import { changePassword, getSelf, login, logout, refresh } from "./auth.services.ts";
import { currentActor, requireAuth } from "./middleware.ts";

const tags = ["Auth"];
const { 400: e400, 401: e401, 403: e403, 413: e413, 415: e415, 422: e422, 429: e429 } =
  errorResponses;

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags,
  summary: "Log in with email and password",
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonResponse(TokenPairSchema, "Access and refresh tokens"),
    400: e400,
    401: e401,
    403: e403,
    413: e413,
    415: e415,
    422: e422,
    429: e429,
  },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/auth/refresh",
  tags,
  summary: "Exchange a refresh token for a new pair (the old one is spent)",
  description: "Presenting a spent refresh token closes its whole session (reuse detection).",
  request: { body: jsonBody(RefreshSchema) },
  responses: {
    200: jsonResponse(TokenPairSchema, "A new token pair"),
    400: e400,
    401: e401,
    413: e413,
    415: e415,
    422: e422,
    429: e429,
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags,
  summary: "Close the session of a refresh token",
  request: { body: jsonBody(RefreshSchema) },
  responses: {
    204: { description: "Session closed" },
    400: e400,
    415: e415,
    422: e422,
    429: e429,
  },
});

const meRoute = createRoute({
  method: "get",
  path: "/auth/me",
  tags,
  summary: "The authenticated user",
  security: bearerSecurity,
  middleware: requireAuth(),
  responses: { 200: jsonResponse(UserSchema, "The caller"), 401: e401, 429: e429 },
});

const changePasswordRoute = createRoute({
  method: "post",
  path: "/auth/change-password",
  tags,
  summary: "Change one's own password (other sessions end)",
  security: bearerSecurity,
  middleware: requireAuth(),
  request: { body: jsonBody(ChangePasswordSchema) },
  responses: {
    204: { description: "Password changed" },
    400: e400,
    401: e401,
    413: e413,
    415: e415,
    422: e422,
    429: e429,
  },
});

const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags,
  summary: "Public keys that verify access tokens",
  responses: {
    200: jsonResponse(
      z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
      "JSON Web Key Set",
    ),
    429: e429,
  },
});

/** Routes under /api/v1/auth. */
export const authRouter = createRouter()
  .openapi(loginRoute, async (c) => {
    const tokens = await login(c.get("deps"), requestMeta(c), c.req.valid("json"));
    return c.json(tokens, 200);
  })
  .openapi(refreshRoute, async (c) => {
    const tokens = await refresh(c.get("deps"), requestMeta(c), c.req.valid("json").refresh_token);
    return c.json(tokens, 200);
  })
  .openapi(logoutRoute, async (c) => {
    await logout(c.get("deps"), requestMeta(c), c.req.valid("json").refresh_token);
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => c.json(await getSelf(c.get("deps").db, currentActor(c)), 200))
  .openapi(changePasswordRoute, async (c) => {
    await changePassword(c.get("deps"), requestMeta(c), currentActor(c), c.req.valid("json"));
    return c.body(null, 204);
  });

/** The JWKS, served at the site root. */
export const jwksRouter = createRouter().openapi(jwksRoute, (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json({ keys: c.get("deps").keys.jwks }, 200);
});
