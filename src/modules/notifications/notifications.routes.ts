/**
 * /notifications: the caller's own inbox and its live stream (SPEC §5). A
 * notification of anyone else is a 404, whatever the caller's role.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { anyScope, currentActor, requireAuth } from "../../auth/middleware.ts";
import { liveActor } from "../../auth/live-actor.ts";
import { issueStreamTicket } from "../../auth/stream-tickets.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import {
  bearerSecurity,
  createRouter,
  emptyBody,
  errorResponses,
  IdParamsSchema,
  jsonBody,
  jsonResponse,
  readErrors,
  writeErrors,
} from "../../lib/router.ts";
import { pumpNotifications } from "../../notifications/stream.ts";
import type { Actor } from "../../scope/scope.ts";
import {
  ListNotificationsQuerySchema,
  MarkAllReadSchema,
  NotificationPageSchema,
  NotificationSchema,
  StreamHeadersSchema,
  StreamQuerySchema,
  StreamTicketSchema,
  UpdateNotificationSchema,
} from "./notifications.schemas.ts";
import { getNotification, listNotifications } from "./notifications.selectors.ts";
import { markAllNotificationsRead, updateNotification } from "./notifications.services.ts";

const samePlace = (a: Actor, b: Actor) =>
  a.role === b.role && a.tenantId === b.tenantId && a.regionId === b.regionId &&
  a.branchId === b.branchId;

const common = { tags: ["Notifications"], security: bearerSecurity, middleware: requireAuth() };
const STREAM_PATH = "/api/v1/notifications/stream";

const list = createRoute({
  ...common,
  method: "get",
  path: "/notifications",
  summary: "List my notifications",
  request: { query: ListNotificationsQuerySchema },
  responses: {
    200: jsonResponse(NotificationPageSchema, "A page of notifications"),
    ...readErrors,
  },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/notifications/{id}",
  summary: "One of my notifications",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(NotificationSchema, "The notification"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/notifications/{id}",
  summary: "Mark one of my notifications read/unread or completed",
  request: { params: IdParamsSchema, body: jsonBody(UpdateNotificationSchema) },
  responses: { 200: jsonResponse(NotificationSchema, "The notification"), ...writeErrors },
});
const markAllRead = createRoute({
  ...common,
  method: "post",
  path: "/notifications/mark-all-read",
  summary: "Mark all my notifications read",
  request: { body: emptyBody },
  responses: { 200: jsonResponse(MarkAllReadSchema, "How many changed"), ...writeErrors },
});
const ticket = createRoute({
  ...common,
  method: "post",
  path: "/notifications/stream-ticket",
  summary: "Get a single-use ticket to open my stream from a browser",
  description: "EventSource cannot send an Authorization header. Open `stream_url` (or add " +
    "`?ticket=`) within `expires_in` seconds; the ticket works once.",
  request: { body: emptyBody },
  responses: { 201: jsonResponse(StreamTicketSchema, "The ticket"), ...writeErrors },
});
const stream = createRoute({
  ...common,
  middleware: requireAuth({ streamTicket: true }),
  method: "get",
  path: "/notifications/stream",
  summary: "My notifications, live (Server-Sent Events)",
  description: "Each event is `event: notification`, `id:` the notification's `seq`, `data:` " +
    "the notification JSON. Reconnect with `Last-Event-ID` (or `?last_event_id=`) to get " +
    "every missed notification in order before live ones. Authenticate with the bearer " +
    "header or `?ticket=`. A heartbeat comment comes at least every 25 s. Opening more " +
    "streams than the per-user cap closes the oldest.",
  request: { query: StreamQuerySchema, headers: StreamHeadersSchema },
  responses: {
    200: {
      description: "An event stream",
      content: { "text/event-stream": { schema: z.string() } },
    },
    401: errorResponses[401],
    422: errorResponses[422],
    429: errorResponses[429],
  },
});

export const notificationsRouter = createRouter()
  .openapi(list, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await listNotifications(db, anyScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(markAllRead, async (c) => {
    return c.json(
      await markAllNotificationsRead(c.get("deps").db, anyScope(c), requestMeta(c)),
      200,
    );
  })
  .openapi(ticket, async (c) => {
    const { db, clock } = c.get("deps");
    const issued = await issueStreamTicket(db, currentActor(c), clock());
    return c.json({ ...issued, stream_url: `${STREAM_PATH}?ticket=${issued.ticket}` }, 201);
  })
  .openapi(stream, (c) => {
    const deps = c.get("deps");
    const actor = currentActor(c);
    const afterSeq = c.req.valid("header")["last-event-id"] ?? c.req.valid("query").last_event_id;
    c.header("X-Accel-Buffering", "no");
    return streamSSE(c, (sse) =>
      pumpNotifications(sse, {
        db: deps.db,
        hub: deps.hub,
        registry: deps.streams,
        userId: actor.userId,
        tenantId: actor.tenantId,
        afterSeq: afterSeq ?? null,
        heartbeatMs: deps.config.sseHeartbeatMs,
        // A role change or a move ends the stream too (SPEC §2), like deactivation,
        // logout or suspension; the client reconnects under its new standing.
        stillAllowed: () =>
          liveActor(deps.db, actor.userId, actor.sessionId, deps.clock()).then(
            (now) => samePlace(now, actor),
            () => false,
          ),
        signal: c.req.raw.signal,
      }));
  })
  .openapi(getOne, async (c) => {
    return c.json(
      await getNotification(c.get("deps").db, anyScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateNotification(db, anyScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  });
