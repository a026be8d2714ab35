/**
 * Visa reference data (categories, types with document checklists) and the
 * visa applications lodged for clients.
 * @module
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { idColumn, lifecycleColumns } from "./columns.ts";
import { clients } from "./crm.ts";
import { tenants, users } from "./tenancy.ts";

export const visa_categories = sqliteTable("visa_categories", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  name: text("name").notNull(),
  code: text("code").notNull(),
  description: text("description").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  uniqueIndex("visa_categories_tenant_code_uq").on(t.tenant_id, t.code),
  index("visa_categories_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
]);

export type ChecklistItem = { item: string; required: boolean };

export const visa_types = sqliteTable("visa_types", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  visa_category_id: text("visa_category_id").notNull().references(() => visa_categories.id),
  name: text("name").notNull(),
  code: text("code").notNull(),
  description: text("description").notNull().default(""),
  checklist: text("checklist", { mode: "json" }).$type<ChecklistItem[]>().notNull(),
  ...lifecycleColumns(),
}, (t) => [
  uniqueIndex("visa_types_tenant_code_uq").on(t.tenant_id, t.code),
  index("visa_types_category_idx").on(t.visa_category_id),
  index("visa_types_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
]);

export const VISA_APPLICATION_STATUSES = [
  "draft",
  "preparing",
  "lodged",
  "further_information_requested",
  "granted",
  "refused",
  "withdrawn",
] as const;
export type VisaApplicationStatus = (typeof VISA_APPLICATION_STATUSES)[number];

export const visa_applications = sqliteTable("visa_applications", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").notNull().references(() => clients.id),
  visa_type_id: text("visa_type_id").notNull().references(() => visa_types.id),
  status: text("status", { enum: VISA_APPLICATION_STATUSES }).notNull().default("draft"),
  lodged_date: text("lodged_date"),
  decision_date: text("decision_date"),
  expiry_date: text("expiry_date"),
  fee_amount: integer("fee_amount").notNull().default(0),
  fee_currency: text("fee_currency").notNull(),
  fee_paid_amount: integer("fee_paid_amount").notNull().default(0),
  government_reference: text("government_reference"),
  grant_number: text("grant_number"),
  conditions: text("conditions").notNull().default(""),
  rfi_due_date: text("rfi_due_date"),
  assigned_to: text("assigned_to").references(() => users.id),
  notes: text("notes").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  index("visa_applications_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
  index("visa_applications_client_idx").on(t.client_id, t.created_at),
  index("visa_applications_tenant_status_idx").on(t.tenant_id, t.status, t.created_at),
  index("visa_applications_assigned_idx").on(t.assigned_to, t.status),
  index("visa_applications_type_idx").on(t.visa_type_id),
  index("visa_applications_reference_idx").on(t.tenant_id, t.government_reference),
]);
