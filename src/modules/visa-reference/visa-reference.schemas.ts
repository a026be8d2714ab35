/** Visa categories and visa types: a tenant's reference data. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { visa_categories, visa_types } from "../../db/schema/index.ts";
import { idRef } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";
import {
  exampleStamps as stamps,
  referenceCode as code,
  referenceDescription as description,
  referenceName as name,
  referenceSearch,
} from "../../lib/reference-data.ts";

export const VisaCategorySchema = createSelectSchema(visa_categories).openapi("VisaCategory", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000040",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    name: "Student",
    code: "STUDENT",
    description: "Study in Australia",
    ...stamps,
  },
});
export type VisaCategory = z.infer<typeof VisaCategorySchema>;

const ChecklistSchema = z.array(
  z.object({
    item: z.string().trim().min(1).max(200),
    required: z.boolean(),
  }).strict(),
).max(100).openapi({ example: [{ item: "Confirmation of Enrolment", required: true }] });

export const VisaTypeSchema = createSelectSchema(visa_types, { checklist: ChecklistSchema })
  .openapi("VisaType", {
    example: {
      id: "0193c0de-0000-7000-8000-000000000041",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      visa_category_id: "0193c0de-0000-7000-8000-000000000040",
      name: "Student visa (subclass 500)",
      code: "500",
      description: "",
      checklist: [{ item: "Confirmation of Enrolment", required: true }],
      ...stamps,
    },
  });
export type VisaType = z.infer<typeof VisaTypeSchema>;

export const CreateVisaCategorySchema = z.object({
  name: name.openapi({ example: "Student" }),
  code: code.openapi({ example: "STUDENT" }),
  description: description.optional(),
}).strict().openapi("CreateVisaCategory");
export const UpdateVisaCategorySchema = CreateVisaCategorySchema.partial().strict().openapi(
  "UpdateVisaCategory",
);

export const CreateVisaTypeSchema = z.object({
  visa_category_id: idRef,
  name: name.openapi({ example: "Student visa (subclass 500)" }),
  code: code.openapi({ example: "500" }),
  description: description.optional(),
  checklist: ChecklistSchema.optional(),
}).strict().openapi("CreateVisaType");
export const UpdateVisaTypeSchema = CreateVisaTypeSchema.partial().strict().openapi(
  "UpdateVisaType",
);

export const REFERENCE_ORDERING = ["created_at", "name", "code"] as const;

export const ListVisaCategoriesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(REFERENCE_ORDERING),
  search: referenceSearch,
});
export type ListVisaCategoriesQuery = z.infer<typeof ListVisaCategoriesQuerySchema>;
export const ListVisaTypesQuerySchema = ListVisaCategoriesQuerySchema.extend({
  visa_category_id: z.string().optional(),
});
export type ListVisaTypesQuery = z.infer<typeof ListVisaTypesQuerySchema>;

export const VisaCategoryPageSchema = pageSchema(VisaCategorySchema, "VisaCategoryPage");
export const VisaTypePageSchema = pageSchema(VisaTypeSchema, "VisaTypePage");
