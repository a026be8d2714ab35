/** Clients of an agency: people the branch works for. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { CLIENT_STATUSES, clients, GENDERS, LEAD_SOURCES } from "../../db/schema/index.ts";
import {
  calendarDate,
  countryCode,
  emailAddress,
  idRef,
  longText,
  personName,
} from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";
import { deletedQueryFields } from "../../lib/soft-delete.ts";

/** The database's own columns (row-columns.ts): no answer shows them. */
const GENERATED = { search_text: true, row_json: true } as const;

export const ClientSchema = createSelectSchema(clients).omit(GENERATED).openapi(
  "Client",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000020",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      branch_id: "0193c0de-0000-7000-8000-000000000003",
      assigned_to: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
      agent_id: null,
      first_name: "Asha",
      last_name: "Karki",
      email: "asha.karki@example.com",
      phone: "+61 400 555 123",
      date_of_birth: "1998-04-12",
      gender: "female",
      nationality: "NP",
      passport_number: "PA1234567",
      passport_expiry_date: "2031-08-01",
      current_visa: "500 Student",
      visa_expiry_date: "2027-03-31",
      address: "12 King St, Newtown NSW 2042",
      notes: "",
      status: "active",
      lead_source: "referral",
      created_at: "2026-01-10T09:00:00.000Z",
      updated_at: "2026-01-10T09:00:00.000Z",
      created_by: null,
      updated_by: null,
      deleted_at: null,
      deleted_by: null,
    },
  },
);
export type Client = z.infer<typeof ClientSchema>;

const fields = {
  first_name: personName.openapi({ example: "Asha" }),
  last_name: personName.openapi({ example: "Karki" }),
  email: emailAddress.nullable().optional(),
  phone: z.string().trim().max(40).optional().openapi({ example: "+61 400 555 123" }),
  date_of_birth: calendarDate.nullable().optional(),
  gender: z.enum(GENDERS).optional(),
  nationality: countryCode.nullable().optional(),
  passport_number: z.string().trim().toUpperCase().max(20).nullable().optional().openapi({
    example: "PA1234567",
  }),
  passport_expiry_date: calendarDate.nullable().optional(),
  current_visa: z.string().trim().max(100).nullable().optional().openapi({
    example: "500 Student",
  }),
  visa_expiry_date: calendarDate.nullable().optional(),
  address: longText(500).optional(),
  notes: longText().optional(),
  status: z.enum(CLIENT_STATUSES).optional(),
  lead_source: z.enum(LEAD_SOURCES).optional(),
  branch_id: idRef.optional().openapi({
    description: "Required above branch level; branch staff create in their own branch. " +
      "Changing it moves the client (branch_admin and up).",
  }),
  assigned_to: idRef.nullable().optional().openapi({
    description: "A user who works in the client's branch.",
  }),
  agent_id: idRef.nullable().optional().openapi({ description: "A referral agent in scope." }),
};

export const CreateClientSchema = z.object(fields).strict().openapi("CreateClient");

export const UpdateClientSchema = z.object(fields).partial().strict().openapi("UpdateClient");

export const CLIENT_ORDERING = ["created_at", "updated_at", "last_name", "first_name"] as const;

export const ListClientsQuerySchema = z.object({
  ...pageQueryFields,
  ...deletedQueryFields,
  ordering: orderingField(CLIENT_ORDERING),
  branch_id: z.string().optional(),
  assigned_to: z.string().optional(),
  agent_id: z.string().optional(),
  status: z.enum(CLIENT_STATUSES).optional(),
  lead_source: z.enum(LEAD_SOURCES).optional(),
  nationality: countryCode.optional(),
  visa_expiry_before: calendarDate.optional().openapi({
    description: "Visa expires on or before this date.",
  }),
  visa_expiry_after: calendarDate.optional().openapi({
    description: "Visa expires on or after this date.",
  }),
  created_after: z.iso.datetime().optional().openapi({ example: "2026-01-01T00:00:00Z" }),
  created_before: z.iso.datetime().optional(),
  search: z.string().max(100)
    // search_text separates its fields with U+001F: a term holding a control
    // character could match across them, so none is taken.
    .regex(/^\P{Cc}*$/u, "search must not contain control characters.")
    .optional().openapi({
      description:
        "Matches first or last name, email, phone or passport number (any case, within one field); no control characters.",
    }),
});
export type ListClientsQuery = z.infer<typeof ListClientsQuerySchema>;

export const ClientPageSchema = pageSchema(ClientSchema, "ClientPage");
