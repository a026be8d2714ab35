/** Study and other applications of clients, moving through their type's stages. @module */
import { DocumentCountsSchema } from "../checklist-items/checklist-items.counts.ts";
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { APPLICATION_STATUSES, applications } from "../../db/schema/index.ts";
import { idRef, longText, yearMonth } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const ApplicationSchema = createSelectSchema(applications).extend({
  documents: DocumentCountsSchema,
}).openapi("Application", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000070",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    client_id: "0193c0de-0000-7000-8000-000000000020",
    application_type_id: "0193c0de-0000-7000-8000-000000000060",
    stage_id: "0193c0de-0000-7000-8000-000000000061",
    institution: "University of Melbourne",
    course: "Master of Information Technology",
    intake: "2027-02",
    assigned_to: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    status: "active",
    notes: "",
    created_at: "2026-09-20T09:00:00.000Z",
    updated_at: "2026-10-02T09:00:00.000Z",
    created_by: null,
    updated_by: null,
  },
});
export type Application = z.infer<typeof ApplicationSchema>;
/** An application as stored, without the counts its answers add. */
export type ApplicationRow = Omit<Application, "documents">;

const label = z.string().trim().max(200);

const editable = {
  stage_id: idRef.optional().openapi({
    description: "A stage of the application's type; defaults to the type's first stage.",
  }),
  institution: label.optional().openapi({ example: "University of Melbourne" }),
  course: label.optional().openapi({ example: "Master of Information Technology" }),
  intake: yearMonth.nullable().optional(),
  assigned_to: idRef.nullable().optional().openapi({
    description: "A user who works in the client's branch.",
  }),
  status: z.enum(APPLICATION_STATUSES).optional().openapi({ description: "Defaults to active." }),
  notes: longText().optional(),
};

export const CreateApplicationSchema = z.object({
  client_id: idRef,
  application_type_id: idRef,
  ...editable,
}).strict().openapi("CreateApplication");

export const UpdateApplicationSchema = z.object({
  application_type_id: idRef.optional().openapi({
    description: "A new type resets the stage to its first one unless stage_id names another.",
  }),
  ...editable,
}).strict().openapi("UpdateApplication");

export const APPLICATION_ORDERING = ["created_at", "updated_at", "intake"] as const;

export const ListApplicationsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(APPLICATION_ORDERING),
  status: z.enum(APPLICATION_STATUSES).optional(),
  application_type_id: z.string().optional(),
  stage_id: z.string().optional(),
  assigned_to: z.string().optional(),
  client_id: z.string().optional(),
  intake: yearMonth.optional(),
  search: z.string().max(100).optional().openapi({ description: "Matches institution or course." }),
});
export type ListApplicationsQuery = z.infer<typeof ListApplicationsQuerySchema>;

export const ApplicationPageSchema = pageSchema(ApplicationSchema, "ApplicationPage");
