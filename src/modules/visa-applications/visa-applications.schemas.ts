/** Visa applications lodged for clients. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { VISA_APPLICATION_STATUSES, visa_applications } from "../../db/schema/index.ts";
import { DocumentCountsSchema } from "../checklist-items/checklist-items.counts.ts";
import { calendarDate, currencyCode, idRef, longText, minorUnits } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const VisaApplicationSchema = createSelectSchema(visa_applications).extend({
  documents: DocumentCountsSchema,
}).openapi(
  "VisaApplication",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000050",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      client_id: "0193c0de-0000-7000-8000-000000000020",
      visa_type_id: "0193c0de-0000-7000-8000-000000000041",
      status: "lodged",
      lodged_date: "2026-10-02",
      decision_date: null,
      expiry_date: null,
      fee_amount: 195000,
      fee_currency: "AUD",
      fee_paid_amount: 195000,
      government_reference: "EGO1234567",
      grant_number: null,
      conditions: "",
      rfi_due_date: null,
      assigned_to: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
      notes: "",
      documents: { required: 6, received: 4, verified: 3 },
      created_at: "2026-09-20T09:00:00.000Z",
      updated_at: "2026-10-02T09:00:00.000Z",
      created_by: null,
      updated_by: null,
    },
  },
);
export type VisaApplication = z.infer<typeof VisaApplicationSchema>;
/** An application as stored, without the counts its answers add. */
export type VisaApplicationRow = Omit<VisaApplication, "documents">;

const reference = z.string().trim().max(64);

const editable = {
  lodged_date: calendarDate.nullable().optional(),
  decision_date: calendarDate.nullable().optional(),
  expiry_date: calendarDate.nullable().optional().openapi({
    description: "The granted visa's expiry.",
  }),
  fee_amount: minorUnits.optional(),
  fee_currency: currencyCode.optional().openapi({
    description: "Defaults to the tenant's default_currency.",
  }),
  fee_paid_amount: minorUnits.optional(),
  government_reference: reference.nullable().optional().openapi({ example: "EGO1234567" }),
  grant_number: reference.nullable().optional(),
  conditions: longText(2000).optional(),
  rfi_due_date: calendarDate.nullable().optional(),
  assigned_to: idRef.nullable().optional().openapi({
    description: "A user who works in the client's branch.",
  }),
  notes: longText().optional(),
};

export const CreateVisaApplicationSchema = z.object({
  client_id: idRef,
  visa_type_id: idRef,
  ...editable,
}).strict().openapi("CreateVisaApplication");

export const UpdateVisaApplicationSchema = z.object({
  status: z.enum(VISA_APPLICATION_STATUSES).optional().openapi({
    description:
      "draft → preparing → lodged ⇄ further_information_requested → granted | refused; " +
      "withdrawn from any non-final state. Granting copies the visa and its expiry onto the client.",
  }),
  visa_type_id: idRef.optional(),
  ...editable,
}).strict().openapi("UpdateVisaApplication");

export const VISA_APPLICATION_ORDERING = ["created_at", "updated_at"] as const;

export const ListVisaApplicationsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(VISA_APPLICATION_ORDERING),
  status: z.enum(VISA_APPLICATION_STATUSES).optional(),
  visa_type_id: z.string().optional(),
  assigned_to: z.string().optional(),
  client_id: z.string().optional(),
  search: z.string().max(100).optional().openapi({
    description: "Matches government reference (TRN) or grant number.",
  }),
});
export type ListVisaApplicationsQuery = z.infer<typeof ListVisaApplicationsQuerySchema>;

export const VisaApplicationPageSchema = pageSchema(VisaApplicationSchema, "VisaApplicationPage");
