/**
 * Study and other applications (typed, moving through ordered stages), staff
 * tasks with their comments, and client reminders.
 * @module
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { idColumn, lifecycleColumns } from "./columns.ts";
import { clients } from "./crm.ts";
import { tenants, users } from "./tenancy.ts";

/** Tenant reference data: a kind of application (university admission, skills assessment, …). */
export const application_types = sqliteTable("application_types", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  name: text("name").notNull(),
  code: text("code").notNull(),
  description: text("description").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  uniqueIndex("application_types_tenant_code_uq").on(t.tenant_id, t.code),
  index("application_types_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
]);

/** The ordered stages of an application type; `position` orders them, lowest first. */
export const application_stages = sqliteTable("application_stages", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  application_type_id: text("application_type_id").notNull().references(() => application_types.id),
  name: text("name").notNull(),
  position: integer("position").notNull(),
  description: text("description").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  index("application_stages_type_position_idx").on(t.application_type_id, t.position, t.id),
  index("application_stages_tenant_type_position_idx").on(
    t.tenant_id,
    t.application_type_id,
    t.position,
    t.id,
  ),
  uniqueIndex("application_stages_type_name_uq").on(t.application_type_id, t.name),
]);

export const APPLICATION_STATUSES = [
  "active",
  "on_hold",
  "completed",
  "withdrawn",
  "rejected",
] as const;

export const applications = sqliteTable("applications", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").notNull().references(() => clients.id),
  application_type_id: text("application_type_id").notNull().references(() => application_types.id),
  stage_id: text("stage_id").references(() => application_stages.id),
  institution: text("institution").notNull().default(""),
  course: text("course").notNull().default(""),
  intake: text("intake"),
  assigned_to: text("assigned_to").references(() => users.id),
  status: text("status", { enum: APPLICATION_STATUSES }).notNull().default("active"),
  notes: text("notes").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  index("applications_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
  index("applications_client_idx").on(t.client_id, t.created_at),
  index("applications_tenant_status_idx").on(t.tenant_id, t.status, t.created_at),
  index("applications_assigned_idx").on(t.assigned_to, t.status),
  index("applications_type_idx").on(t.application_type_id),
  index("applications_stage_idx").on(t.stage_id),
  index("applications_tenant_intake_idx").on(t.tenant_id, t.intake, t.id),
]);

export const TASK_PRIORITIES = ["low", "medium", "high", "urgent"] as const;
export const TASK_STATUSES = ["todo", "in_progress", "done", "cancelled"] as const;
export type TaskComment = { author_id: string; body: string; at: string };

/**
 * A piece of staff work. It has no branch of its own: it is seen by its creator,
 * its assignee, and whoever's scope holds the assignee's or the client's branch.
 */
export const tasks = sqliteTable("tasks", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").references(() => clients.id),
  title: text("title").notNull(),
  detail: text("detail").notNull().default(""),
  priority: text("priority", { enum: TASK_PRIORITIES }).notNull().default("medium"),
  status: text("status", { enum: TASK_STATUSES }).notNull().default("todo"),
  due_date: text("due_date"),
  assigned_to: text("assigned_to").references(() => users.id),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
  comments: text("comments", { mode: "json" }).$type<TaskComment[]>().notNull(),
  completed_at: text("completed_at"),
  ...lifecycleColumns(),
}, (t) => [
  index("tasks_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
  index("tasks_tenant_status_due_idx").on(t.tenant_id, t.status, t.due_date),
  index("tasks_tenant_due_idx").on(t.tenant_id, t.due_date, t.id),
  index("tasks_assigned_idx").on(t.assigned_to, t.status, t.due_date),
  index("tasks_creator_idx").on(t.created_by, t.created_at),
  // Led by tenant_id: the scope filter's "no client" branch stays inside the tenant.
  index("tasks_tenant_client_idx").on(t.tenant_id, t.client_id),
]);

/** A dated prompt about a client for a member of staff. */
export const reminders = sqliteTable("reminders", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").notNull().references(() => clients.id),
  date: text("date").notNull(),
  message: text("message").notNull(),
  assigned_to: text("assigned_to").references(() => users.id),
  done: integer("done", { mode: "boolean" }).notNull().default(false),
  done_at: text("done_at"),
  ...lifecycleColumns(),
}, (t) => [
  index("reminders_tenant_date_idx").on(t.tenant_id, t.done, t.date),
  // Serves the default ordering (date, then id) without a sort.
  index("reminders_tenant_date_id_idx").on(t.tenant_id, t.date, t.id),
  index("reminders_client_idx").on(t.client_id, t.date),
  index("reminders_assigned_idx").on(t.assigned_to, t.done, t.date),
]);
