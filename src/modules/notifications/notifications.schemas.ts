/** The caller's own notifications: list, mark read or done, stream tickets. @module */
import { z } from "@hono/zod-openapi";
import { NOTIFICATION_TYPES } from "../../db/schema/index.ts";
import { queryBoolean } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";
import { NotificationSchema } from "../../notifications/notification.ts";

export { NotificationSchema };

export const NOTIFICATION_ORDERING = ["seq", "created_at"] as const;

export const ListNotificationsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(NOTIFICATION_ORDERING).openapi({ example: "-seq" }),
  read: queryBoolean.optional().openapi({ description: "true: read only; false: unread only." }),
  type: z.enum(NOTIFICATION_TYPES).optional(),
});
export type ListNotificationsQuery = z.infer<typeof ListNotificationsQuerySchema>;

export const NotificationPageSchema = pageSchema(NotificationSchema, "NotificationPage");

export const UpdateNotificationSchema = z.object({
  read: z.boolean().optional().openapi({ description: "Sets or clears read_at." }),
  is_completed: z.boolean().optional().openapi({
    description: "The recipient dealt with what it was about.",
  }),
}).strict().openapi("UpdateNotification", { example: { read: true } });

export const MarkAllReadSchema = z.object({
  updated: z.number().int().openapi({ example: 3 }),
}).openapi("MarkAllReadResult");

export const StreamTicketSchema = z.object({
  ticket: z.string().openapi({ example: "q0N5oVYv1d9cOe3xJx3lQm0mE2o3r6J5p3jF4bWk8sQ" }),
  expires_in: z.number().int().openapi({ example: 60, description: "Seconds." }),
  stream_url: z.string().openapi({
    example: "/api/v1/notifications/stream?ticket=q0N5oVYv1d9cOe3xJx3lQm0mE2o3r6J5p3jF4bWk8sQ",
  }),
}).openapi("StreamTicket");

const lastEventId = z.string().regex(/^\d{1,15}$/, "A non-negative integer (a notification seq).")
  .transform(Number).optional();

export const StreamQuerySchema = z.object({
  ticket: z.string().optional().openapi({
    description: "A stream ticket from POST /notifications/stream-ticket (for EventSource).",
  }),
  last_event_id: lastEventId.openapi({
    description: "Resume after this seq (what EventSource sends as Last-Event-ID).",
  }),
});

export const StreamHeadersSchema = z.object({
  "last-event-id": lastEventId.openapi({ description: "Resume after this seq." }),
});
