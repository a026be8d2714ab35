/** Tenants (agencies) and their validated settings. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { SUBSCRIPTION_STATUSES, tenants, type TenantSettings } from "../../db/schema/index.ts";
import { currencyCode, queryBoolean } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const DEFAULT_SETTINGS: TenantSettings = {
  timezone: "UTC",
  visa_expiry_notice_days: 30,
  passport_expiry_notice_days: 90,
  default_currency: "USD",
};

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const noticeDays = z.number().int().min(1).max(365);

/** Only these keys exist; an unknown key is a 422, not a silently stored blob. */
export const SettingsSchema = z.object({
  timezone: z.string().refine(isTimeZone, "Not an IANA time zone.").openapi({
    example: "Australia/Sydney",
  }),
  visa_expiry_notice_days: noticeDays.openapi({ example: 30 }),
  passport_expiry_notice_days: noticeDays.openapi({ example: 90 }),
  default_currency: currencyCode,
}).strict().openapi("TenantSettings");

export const TenantSchema = createSelectSchema(tenants, { settings: SettingsSchema }).openapi(
  "Tenant",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000001",
      name: "Harbour Migration",
      domain: "harbour-migration.test",
      is_active: true,
      subscription_status: "active",
      settings: { ...DEFAULT_SETTINGS, timezone: "Australia/Sydney", default_currency: "AUD" },
      created_at: "2026-01-10T09:00:00.000Z",
      updated_at: "2026-01-10T09:00:00.000Z",
      created_by: null,
      updated_by: null,
    },
  },
);
export type Tenant = z.infer<typeof TenantSchema>;

const name = z.string().trim().min(1).max(200).openapi({ example: "Harbour Migration" });
const domain = z.string().trim().toLowerCase().regex(
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  "A domain name such as agency.example.",
).nullable().openapi({ example: "harbour-migration.test" });

export const CreateTenantSchema = z.object({
  name,
  domain: domain.optional(),
  subscription_status: z.enum(SUBSCRIPTION_STATUSES).optional(),
  settings: SettingsSchema.partial().optional(),
}).strict().openapi("CreateTenant");

export const UpdateTenantSchema = CreateTenantSchema.partial().strict().openapi("UpdateTenant");

/** What an agency's own super_admin may change: its name and settings. */
export const UpdateCurrentTenantSchema = z.object({
  name: name.optional(),
  settings: SettingsSchema.partial().optional(),
}).strict().openapi("UpdateCurrentTenant");

export const TENANT_ORDERING = ["created_at", "name"] as const;

export const ListTenantsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(TENANT_ORDERING),
  is_active: queryBoolean.optional(),
  search: z.string().max(100).optional().openapi({ description: "Matches name or domain." }),
});
export type ListTenantsQuery = z.infer<typeof ListTenantsQuerySchema>;

export const TenantPageSchema = pageSchema(TenantSchema, "TenantPage");
