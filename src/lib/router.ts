/**
 * The router every module uses: OpenAPIHono with non-strict trailing slashes
 * (`/clients` and `/clients/` both match, for Django-era clients) and one
 * validation hook that turns zod failures into 422 with details.
 * @module
 */
import { OpenAPIHono, type RouteConfig, type RouteHandler, z } from "@hono/zod-openapi";
import type { AppEnv } from "./context.ts";
import { ApiError, ErrorBodySchema } from "./errors.ts";

/** A new module router; merge it into the app with `app.route("/api/v1", router)`. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result) => {
      if (!result.success) {
        const details = result.error.issues.map((issue) => ({
          path: issue.path.map(String),
          code: issue.code,
          message: issue.message,
        }));
        throw new ApiError(422, "validation_error", "The request is not valid.", details);
      }
    },
  });
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const errorContent = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBodySchema } },
});

const seconds = { type: "integer" as const, minimum: 0 };

/** The error responses a route can give, for its OpenAPI entry. */
export const errorResponses = {
  400: errorContent("Malformed JSON, or a platform admin without X-Tenant-ID"),
  401: errorContent("Missing, invalid or expired token"),
  403: errorContent("In scope, but the role may not do this"),
  404: errorContent("Not found, or outside the caller's scope"),
  409: errorContent("Conflicts with the current state"),
  413: errorContent("Body too large"),
  415: errorContent("Body is not application/json"),
  422: errorContent("Validation failed; `details` lists each problem"),
  429: {
    ...errorContent(
      "Rate limited: per user and per tenant when authenticated, per IP when anonymous",
    ),
    headers: {
      "Retry-After": { description: "Seconds until one more request fits", schema: seconds },
      "RateLimit-Limit": { description: "Requests per minute of the limit hit", schema: seconds },
      "RateLimit-Remaining": { description: "Always 0 here", schema: seconds },
      "RateLimit-Reset": { description: "Seconds until the limit is full again", schema: seconds },
    },
  },
} as const;

/** The error responses of an authenticated read route. */
export const readErrors = {
  400: errorResponses[400],
  401: errorResponses[401],
  403: errorResponses[403],
  404: errorResponses[404],
  422: errorResponses[422],
  429: errorResponses[429],
} as const;

/** The error responses of an authenticated write route. */
export const writeErrors = {
  ...readErrors,
  409: errorResponses[409],
  413: errorResponses[413],
  415: errorResponses[415],
} as const;

/** A JSON request body that is required and strict (unknown fields are a 422). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { "application/json": { schema } },
  };
}

/**
 * The body of an action route (suspend, restore, …): none, or an empty JSON
 * object. Declared so that a body sent anyway is parsed and checked like any
 * other (malformed → 400, fields → 422) rather than silently ignored.
 */
export const emptyBody = {
  required: false,
  content: { "application/json": { schema: z.object({}).strict() } },
};

/** A JSON response entry for a route definition. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** The `{id}` path parameter. */
export const IdParamsSchema = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    example: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
  }),
});

/** The security requirement of authenticated routes. */
export const bearerSecurity = [{ bearerAuth: [] }];
