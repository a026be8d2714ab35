/**
 * Builds the Hono app from injected dependencies: middleware, then each module's
 * router, then docs. Nothing here knows which runtime it is on.
 * @module
 */
import { swaggerUI } from "@hono/swagger-ui";
import { authRouter, jwksRouter } from "./auth/auth.routes.ts";
import { BOOKMARK_HEADER, readSessions, routePath } from "./lib/bookmarks.ts";
import type { AppDeps } from "./lib/context.ts";
import { handleError, notFoundOrNotAllowed } from "./lib/error-handler.ts";
import {
  limitBodySize,
  rateLimitAnonymous,
  requestContext,
  requireJsonBodies,
} from "./lib/middleware.ts";
import { responseHeaders } from "./lib/response-headers.ts";
import { createRouter } from "./lib/router.ts";
import { SERVED_BY_HEADER, STALE_HEADER } from "./regions/regional-gateway.ts";
import { agentsRouter } from "./modules/agents/agents.routes.ts";
import { applicationReferenceRouter } from "./modules/application-reference/application-reference.routes.ts";
import { applicationsRouter } from "./modules/applications/applications.routes.ts";
import { auditLogsRouter } from "./modules/audit-logs/audit-logs.routes.ts";
import { branchesRouter } from "./modules/branches/branches.routes.ts";
import { checklistItemsRouter } from "./modules/checklist-items/checklist-items.routes.ts";
import { clientProfilesRouter } from "./modules/client-profiles/client-profiles.routes.ts";
import { clientsRouter } from "./modules/clients/clients.routes.ts";
import { documentFilesRouter } from "./modules/document-files/document-files.routes.ts";
import { healthRouter } from "./modules/health/health.routes.ts";
import { notificationsRouter } from "./modules/notifications/notifications.routes.ts";
import { notificationsDemoRouter } from "./modules/notifications-demo/notifications-demo.routes.ts";
import { regionsRouter } from "./modules/regions/regions.routes.ts";
import { remindersRouter } from "./modules/reminders/reminders.routes.ts";
import { tasksRouter } from "./modules/tasks/tasks.routes.ts";
import { tenantsRouter } from "./modules/tenants/tenants.routes.ts";
import { usersRouter } from "./modules/users/users.routes.ts";
import { visaApplicationsRouter } from "./modules/visa-applications/visa-applications.routes.ts";
import { visaReferenceRouter } from "./modules/visa-reference/visa-reference.routes.ts";

export const API_PREFIX = "/api/v1";

/** Routes whose replicated reads start at the primary (see bookmarks.ts). */
export const PRIMARY_PATHS: ReadonlySet<string> = new Set([`${API_PREFIX}/notifications/stream`]);

/**
 * The routes that take no credentials, limited per client IP; every other route
 * authenticates and is limited per user and tenant (requireAuth).
 */
/** The multipart upload route (its own body type and size limit). */
const UPLOAD_PATH = new RegExp(
  `^${API_PREFIX}/((visa-)?applications/[^/]+/documents/[^/]+|clients/[^/]+)/files/?$`,
);
const isUploadPath = (path: string) => UPLOAD_PATH.test(path);

/**
 * Reads a far Deno region sends to the primary (src/regions): the stream, which
 * must see every commit, and file downloads, whose bytes and audit live there.
 */
export function readsAtPrimary(path: string): boolean {
  return PRIMARY_PATHS.has(routePath(path)) || path.startsWith(`${API_PREFIX}/files/`);
}

export const ANONYMOUS_PATHS: ReadonlySet<string> = new Set([
  "/health",
  "/.well-known/jwks.json",
  `${API_PREFIX}/auth/login`,
  `${API_PREFIX}/auth/refresh`,
  `${API_PREFIX}/auth/logout`,
  "/api/schema",
  "/api/docs",
  "/notifications-demo",
]);

/** The whole API as one Hono app; entry points call `app.fetch`. */
export function createApp(deps: AppDeps) {
  const app = createRouter();

  app.use("*", requestContext(deps));
  app.use(
    "*",
    responseHeaders({
      origins: deps.config.corsOrigins,
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "X-Tenant-ID",
        "X-Request-ID",
        "Last-Event-ID",
        BOOKMARK_HEADER,
      ],
      exposeHeaders: [
        "X-Request-ID",
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        BOOKMARK_HEADER,
        STALE_HEADER,
        SERVED_BY_HEADER,
      ],
      maxAgeSeconds: 600,
    }),
  );
  app.use("*", rateLimitAnonymous(ANONYMOUS_PATHS));
  app.use("*", readSessions(deps.sessions, PRIMARY_PATHS));
  app.use(
    `${API_PREFIX}/*`,
    limitBodySize(deps.config.bodyLimitBytes, deps.config.fileMaxBytes, isUploadPath),
  );
  app.use(`${API_PREFIX}/*`, requireJsonBodies(isUploadPath));
  if (deps.regionalGateway) app.use("*", deps.regionalGateway);

  app.route("/", healthRouter);
  app.route("/", jwksRouter);
  app.route(API_PREFIX, authRouter);
  app.route(API_PREFIX, tenantsRouter);
  app.route(API_PREFIX, regionsRouter);
  app.route(API_PREFIX, branchesRouter);
  app.route(API_PREFIX, usersRouter);
  app.route(API_PREFIX, agentsRouter);
  app.route(API_PREFIX, clientsRouter);
  app.route(API_PREFIX, clientProfilesRouter);
  app.route(API_PREFIX, visaReferenceRouter);
  app.route(API_PREFIX, visaApplicationsRouter);
  app.route(API_PREFIX, checklistItemsRouter);
  app.route(API_PREFIX, documentFilesRouter);
  app.route(API_PREFIX, tasksRouter);
  app.route(API_PREFIX, remindersRouter);
  app.route(API_PREFIX, applicationReferenceRouter);
  app.route(API_PREFIX, applicationsRouter);
  app.route(API_PREFIX, auditLogsRouter);
  app.route(API_PREFIX, notificationsRouter);
  app.route("/", notificationsDemoRouter);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from POST /api/v1/auth/login.",
  });
  app.doc31("/api/schema", {
    openapi: "3.1.0",
    info: {
      title: "Leopard API",
      version: "1.0.0",
      description: "Multi-tenant CRM for immigration agencies. Every list answers " +
        "`{count, next, previous, results}`; every error `{error, message, details?, request_id}`. " +
        "A platform admin names the tenant it acts in with the `X-Tenant-ID` header. " +
        "Signed-in calls are rate limited per user and per tenant, anonymous ones per IP; " +
        "responses carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, " +
        "and a 429 adds `Retry-After`. On a replicated deployment every answer carries a " +
        "`Leopard-Bookmark`; send the last one back in the same header and the read sees " +
        "at least that write, whichever replica serves it.",
    },
    servers: [{ url: "/", description: "This server" }],
  });
  app.get("/api/docs", swaggerUI({ url: "/api/schema", persistAuthorization: true }));

  app.onError(handleError);
  app.notFound(notFoundOrNotAllowed(() => app.routes));
  return app;
}

export type App = ReturnType<typeof createApp>;
