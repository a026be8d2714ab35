/**
 * Tenancy tables: tenants, their regions and branches, and the staff users.
 * @module
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { idColumn, lifecycleColumns, softDeleteColumns } from "./columns.ts";

/** The six roles, highest first: a role's rank is its index. */
export const ROLES = [
  "super_super_admin",
  "super_admin",
  "country_manager",
  "region_manager",
  "branch_admin",
  "consultant",
] as const;
export type Role = (typeof ROLES)[number];

export const SUBSCRIPTION_STATUSES = ["trial", "active", "past_due", "cancelled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Validated tenant settings (SPEC §2); unknown keys are refused at the API. */
export type TenantSettings = {
  timezone: string;
  visa_expiry_notice_days: number;
  passport_expiry_notice_days: number;
  default_currency: string;
};

export const tenants = sqliteTable("tenants", {
  id: idColumn(),
  name: text("name").notNull(),
  domain: text("domain"),
  is_active: integer("is_active", { mode: "boolean" }).notNull().default(true),
  subscription_status: text("subscription_status", { enum: SUBSCRIPTION_STATUSES }).notNull()
    .default("trial"),
  settings: text("settings", { mode: "json" }).$type<TenantSettings>().notNull(),
  ...lifecycleColumns(),
}, (t) => [index("tenants_created_at_idx").on(t.created_at, t.id)]);

export const regions = sqliteTable("regions", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  index("regions_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
  uniqueIndex("regions_tenant_name_uq").on(t.tenant_id, t.name),
]);

export const branches = sqliteTable("branches", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  region_id: text("region_id").notNull().references(() => regions.id),
  name: text("name").notNull(),
  address: text("address").notNull().default(""),
  phone: text("phone").notNull().default(""),
  email: text("email"),
  ...lifecycleColumns(),
  ...softDeleteColumns(),
}, (t) => [
  index("branches_tenant_created_idx").on(t.tenant_id, t.deleted_at, t.created_at, t.id),
  index("branches_region_idx").on(t.region_id, t.deleted_at),
]);

export const users = sqliteTable("users", {
  id: idColumn(),
  email: text("email").notNull(),
  password_hash: text("password_hash").notNull(),
  first_name: text("first_name").notNull(),
  last_name: text("last_name").notNull(),
  phone: text("phone").notNull().default(""),
  role: text("role", { enum: ROLES }).notNull(),
  tenant_id: text("tenant_id").references(() => tenants.id),
  region_id: text("region_id").references(() => regions.id),
  branch_id: text("branch_id").references(() => branches.id),
  is_active: integer("is_active", { mode: "boolean" }).notNull().default(true),
  last_login: text("last_login"),
  ...lifecycleColumns(),
}, (t) => [
  // Emails are stored lower-cased, so a plain unique index is case-insensitive.
  uniqueIndex("users_email_uq").on(t.email),
  index("users_tenant_created_idx").on(t.tenant_id, t.created_at, t.id),
  index("users_region_idx").on(t.region_id, t.created_at),
  index("users_branch_idx").on(t.branch_id, t.is_active, t.created_at),
]);
