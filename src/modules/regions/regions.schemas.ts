/** Regions of a tenant. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { regions } from "../../db/schema/index.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const RegionSchema = createSelectSchema(regions).openapi("Region", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000002",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    name: "New South Wales",
    description: "Sydney and regional NSW offices",
    created_at: "2026-01-10T09:00:00.000Z",
    updated_at: "2026-01-10T09:00:00.000Z",
    created_by: null,
    updated_by: null,
  },
});
export type Region = z.infer<typeof RegionSchema>;

export const CreateRegionSchema = z.object({
  name: z.string().trim().min(1).max(200).openapi({ example: "New South Wales" }),
  description: z.string().max(2000).optional().openapi({
    example: "Sydney and regional NSW offices",
  }),
}).strict().openapi("CreateRegion");

export const UpdateRegionSchema = CreateRegionSchema.partial().strict().openapi("UpdateRegion");

export const REGION_ORDERING = ["created_at", "name"] as const;

export const ListRegionsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(REGION_ORDERING),
  search: z.string().max(100).optional().openapi({ description: "Matches the name." }),
});
export type ListRegionsQuery = z.infer<typeof ListRegionsQuerySchema>;

export const RegionPageSchema = pageSchema(RegionSchema, "RegionPage");
