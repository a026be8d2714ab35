/**
 * Per-user notifications (SPEC §3, §5) and the single-use tickets that let a
 * browser's EventSource open a stream without a long-lived token in the URL.
 * @module
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { auth_sessions } from "./auth.ts";
import { idColumn } from "./columns.ts";
import { tenants, users } from "./tenancy.ts";

export const NOTIFICATION_TYPES = [
  "task_assigned",
  "task_updated",
  "visa_expiry",
  "passport_expiry",
  "application_updated",
  "reminder_due",
  "document_due",
  "application_ready",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * `seq` counts each recipient's notifications from 1 and is assigned inside the
 * write's batch, so it is gap-free per user and doubles as the SSE event id.
 * `dedupe_key` names the event a scheduled notification is about, so the job can
 * run any number of times and notify once.
 */
export const notifications = sqliteTable("notifications", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  recipient_id: text("recipient_id").notNull().references(() => users.id),
  seq: integer("seq").notNull(),
  type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
  title: text("title").notNull(),
  body: text("body").notNull().default(""),
  meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  read: integer("read", { mode: "boolean" }).notNull().default(false),
  read_at: text("read_at"),
  is_completed: integer("is_completed", { mode: "boolean" }).notNull().default(false),
  dedupe_key: text("dedupe_key"),
  created_by: text("created_by"),
  created_at: text("created_at").notNull(),
}, (t) => [
  uniqueIndex("notifications_recipient_seq_uq").on(t.recipient_id, t.seq),
  // Led by dedupe_key so the scheduled job can look its keys up without a recipient.
  uniqueIndex("notifications_dedupe_recipient_uq").on(t.dedupe_key, t.recipient_id),
  index("notifications_recipient_read_idx").on(t.recipient_id, t.read, t.seq),
  index("notifications_recipient_type_idx").on(t.recipient_id, t.type, t.seq),
]);

/** Only a SHA-256 of each ticket is stored; a ticket opens one stream, once, briefly. */
export const stream_tickets = sqliteTable("stream_tickets", {
  token_hash: text("token_hash").primaryKey(),
  user_id: text("user_id").notNull().references(() => users.id),
  session_id: text("session_id").notNull().references(() => auth_sessions.id),
  expires_at: text("expires_at").notNull(),
  used_at: text("used_at"),
}, (t) => [index("stream_tickets_expires_idx").on(t.expires_at)]);
