/**
 * Document checklists: what an agency must collect for a visa application (or a
 * study application), one row per item, started from the visa type's checklist and tracked through its
 * statuses (requested → received → verified, or rejected with a reason, or
 * waived). `client_id` is the application's client, so the one client scope
 * filter applies to items as it does to applications.
 * @module
 */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { idColumn, lifecycleColumns, softDeleteColumns } from "./columns.ts";
import { clients } from "./crm.ts";
import { tenants, users } from "./tenancy.ts";
import { visa_applications } from "./visas.ts";
import { applications } from "./work.ts";

export const CHECKLIST_STATUSES = [
  "requested",
  "received",
  "verified",
  "rejected",
  "waived",
] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

export const checklist_items = sqliteTable("checklist_items", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").notNull().references(() => clients.id),
  /** The case it belongs to: a visa application, or a study application (exactly one). */
  visa_application_id: text("visa_application_id").references(() => visa_applications.id),
  application_id: text("application_id").references(() => applications.id),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  required: integer("required", { mode: "boolean" }).notNull(),
  status: text("status", { enum: CHECKLIST_STATUSES }).notNull().default("requested"),
  rejection_reason: text("rejection_reason"),
  due_date: text("due_date"),
  /** Where the item stands in its checklist: the visa type's order, then items added by hand. */
  position: integer("position").notNull(),
  status_changed_at: text("status_changed_at"),
  status_changed_by: text("status_changed_by").references(() => users.id),
  ...lifecycleColumns(),
  ...softDeleteColumns(),
}, (t) => [
  index("checklist_items_visa_application_idx").on(t.visa_application_id, t.position),
  index("checklist_items_application_idx").on(t.application_id, t.position),
  check(
    "checklist_items_one_case",
    sql`(${t.visa_application_id} IS NULL) <> (${t.application_id} IS NULL)`,
  ),
  index("checklist_items_tenant_due_idx").on(t.tenant_id, t.status, t.due_date),
]);

/**
 * A stored file: the evidence for a checklist item. The bytes live in the
 * entry's file store under `storage_key` (made from the tenant and the file's
 * id, never from user input); the row holds what the upload was checked to be.
 */
export const document_files = sqliteTable("document_files", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").notNull().references(() => clients.id),
  /** The item it is evidence for; null for a file kept on the client itself (a passport scan). */
  checklist_item_id: text("checklist_item_id").references(() => checklist_items.id),
  name: text("name").notNull(),
  /** The type the bytes were recognised as (magic numbers), not the one the upload claimed. */
  content_type: text("content_type").notNull(),
  size: integer("size").notNull(),
  sha256: text("sha256").notNull(),
  storage_key: text("storage_key").notNull(),
  ...lifecycleColumns(),
  ...softDeleteColumns(),
}, (t) => [
  index("document_files_item_idx").on(t.checklist_item_id, t.created_at),
  index("document_files_client_idx").on(t.client_id, t.created_at),
]);
