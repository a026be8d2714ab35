/**
 * The public shape of a notification, shared by the REST API and the stream.
 * @module
 */
// Loaded for its effect: it gives zod schemas `.openapi()`. `z` alone is only a
// type here, and a type-only import is dropped, which left CLIs that reach this
// module first (seed, reminders) without `.openapi`.
import "@hono/zod-openapi";
import type { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { notifications } from "../db/schema/index.ts";

export const NotificationSchema = createSelectSchema(notifications).omit({ dedupe_key: true })
  .openapi("Notification", {
    example: {
      id: "0193c0de-0000-7000-8000-000000000090",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      recipient_id: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
      seq: 42,
      type: "task_assigned",
      title: "New task: Collect police certificate",
      body: "Assigned to you by Ana Lopez, due 2026-12-01.",
      meta: { task_id: "0193c0de-0000-7000-8000-000000000070" },
      read: false,
      read_at: null,
      is_completed: false,
      created_by: "0193c0de-0000-7000-8000-000000000011",
      created_at: "2026-11-21T09:30:00.000Z",
    },
  });
export type Notification = z.infer<typeof NotificationSchema>;

/** Drops the internal dedupe key from a stored row. */
export function toNotification(row: Notification & { dedupe_key: string | null }): Notification {
  const { dedupe_key: _key, ...notification } = row;
  return notification;
}
