/** Checklist items of a visa application, and the counts its answer carries. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { checklist_items, CHECKLIST_STATUSES } from "../../db/schema/index.ts";
import { calendarDate, longText } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const ChecklistItemSchema = createSelectSchema(checklist_items).openapi("ChecklistItem", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000070",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    client_id: "0193c0de-0000-7000-8000-000000000020",
    visa_application_id: "0193c0de-0000-7000-8000-000000000050",
    name: "Confirmation of Enrolment",
    description: "",
    required: true,
    status: "rejected",
    rejection_reason: "The CoE is for a different course.",
    due_date: "2026-12-20",
    position: 0,
    status_changed_at: "2026-12-02T09:00:00.000Z",
    status_changed_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    created_at: "2026-11-20T09:00:00.000Z",
    updated_at: "2026-12-02T09:00:00.000Z",
    created_by: null,
    updated_by: null,
    deleted_at: null,
    deleted_by: null,
  },
});
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;

const name = z.string().trim().min(1).max(200).openapi({ example: "Police certificate" });
const editable = {
  description: longText(2000).optional(),
  required: z.boolean().optional(),
  due_date: calendarDate.nullable().optional(),
};

export const CreateChecklistItemSchema = z.object({ name, ...editable }).strict()
  .openapi("CreateChecklistItem");

export const UpdateChecklistItemSchema = z.object({
  name: name.optional(),
  ...editable,
  status: z.enum(CHECKLIST_STATUSES).optional().openapi({
    description: "requested → received → verified; received or verified → rejected (needs " +
      "`rejection_reason`) → received; requested or rejected → waived → requested.",
  }),
  rejection_reason: z.string().trim().min(1).max(500).optional(),
}).strict().openapi("UpdateChecklistItem");

export const ListChecklistItemsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["position", "due_date", "updated_at"] as const),
  status: z.enum(CHECKLIST_STATUSES).optional(),
});
export type ListChecklistItemsQuery = z.infer<typeof ListChecklistItemsQuerySchema>;

export const ChecklistItemPageSchema = pageSchema(ChecklistItemSchema, "ChecklistItemPage");

/** `/visa-applications/{id}/documents`. */
export const ApplicationParamsSchema = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    example: "0193c0de-0000-7000-8000-000000000050",
  }),
});

/** `/visa-applications/{id}/documents/{item_id}`. */
export const ItemParamsSchema = ApplicationParamsSchema.extend({
  item_id: z.string().openapi({
    param: { name: "item_id", in: "path" },
    example: "0193c0de-0000-7000-8000-000000000070",
  }),
});
