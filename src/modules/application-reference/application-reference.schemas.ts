/** Application types and their ordered stages: a tenant's reference data. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { application_stages, application_types } from "../../db/schema/index.ts";
import { idRef } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";
import {
  exampleStamps,
  referenceCode,
  referenceDescription,
  referenceName,
  referenceSearch,
} from "../../lib/reference-data.ts";

export const ApplicationTypeSchema = createSelectSchema(application_types).openapi(
  "ApplicationType",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000060",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      name: "University admission",
      code: "UNI",
      description: "Offer, acceptance and CoE from an Australian university",
      ...exampleStamps,
    },
  },
);
export type ApplicationType = z.infer<typeof ApplicationTypeSchema>;

export const ApplicationStageSchema = createSelectSchema(application_stages).openapi(
  "ApplicationStage",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000061",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      application_type_id: "0193c0de-0000-7000-8000-000000000060",
      name: "Offer received",
      position: 2,
      description: "",
      ...exampleStamps,
    },
  },
);
export type ApplicationStage = z.infer<typeof ApplicationStageSchema>;

export const CreateApplicationTypeSchema = z.object({
  name: referenceName.openapi({ example: "University admission" }),
  code: referenceCode.openapi({ example: "UNI" }),
  description: referenceDescription.optional(),
}).strict().openapi("CreateApplicationType");
export const UpdateApplicationTypeSchema = CreateApplicationTypeSchema.partial().strict().openapi(
  "UpdateApplicationType",
);

const position = z.number().int().min(1).max(10_000).openapi({
  description: "Order within the type, lowest first; ties keep creation order.",
  example: 2,
});

const stageFields = {
  name: referenceName.openapi({ example: "Offer received" }),
  position: position.optional(),
  description: referenceDescription.optional(),
};

export const CreateApplicationStageSchema = z.object({
  application_type_id: idRef,
  ...stageFields,
}).strict().openapi("CreateApplicationStage", {
  description: "Without a position the stage is appended after the type's last one.",
});

/** A stage stays with its type: applications at that stage must keep a stage of their type. */
export const UpdateApplicationStageSchema = z.object(stageFields).partial().strict().openapi(
  "UpdateApplicationStage",
);

export const APPLICATION_TYPE_ORDERING = ["name", "code", "created_at"] as const;
export const ListApplicationTypesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(APPLICATION_TYPE_ORDERING),
  search: referenceSearch,
});
export type ListApplicationTypesQuery = z.infer<typeof ListApplicationTypesQuerySchema>;

export const APPLICATION_STAGE_ORDERING = ["position", "name", "created_at"] as const;
export const ListApplicationStagesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(APPLICATION_STAGE_ORDERING).openapi({
    description: "`position` (the default) orders by type, then position within it; " +
      "also name, created_at; `-` for descending.",
  }),
  application_type_id: z.string().optional(),
  search: z.string().max(100).optional().openapi({ description: "Matches the stage name." }),
});
export type ListApplicationStagesQuery = z.infer<typeof ListApplicationStagesQuerySchema>;

export const ApplicationTypePageSchema = pageSchema(ApplicationTypeSchema, "ApplicationTypePage");
export const ApplicationStagePageSchema = pageSchema(
  ApplicationStageSchema,
  "ApplicationStagePage",
);
