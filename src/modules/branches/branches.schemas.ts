/** Branches (offices) of a tenant, each in one region; soft-deletable. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { branches } from "../../db/schema/index.ts";
import { idRef } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";
import { deletedQueryFields } from "../../lib/soft-delete.ts";

export const BranchSchema = createSelectSchema(branches).openapi("Branch", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000003",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    region_id: "0193c0de-0000-7000-8000-000000000002",
    name: "Sydney CBD",
    address: "1 George St, Sydney NSW 2000",
    phone: "+61 2 5550 0000",
    email: "sydney@harbour-migration.test",
    created_at: "2026-01-10T09:00:00.000Z",
    updated_at: "2026-01-10T09:00:00.000Z",
    created_by: null,
    updated_by: null,
    deleted_at: null,
    deleted_by: null,
  },
});
export type Branch = z.infer<typeof BranchSchema>;

const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Sydney CBD" }),
  address: z.string().trim().max(500).optional().openapi({
    example: "1 George St, Sydney NSW 2000",
  }),
  phone: z.string().trim().max(40).optional().openapi({ example: "+61 2 5550 0000" }),
  email: z.string().trim().toLowerCase().pipe(z.email()).nullable().optional().openapi({
    example: "sydney@harbour-migration.test",
  }),
};

export const CreateBranchSchema = z.object({
  ...fields,
  region_id: idRef.optional().openapi({
    description:
      "Required for super_admin and country_manager; a region_manager's own region by default.",
  }),
}).strict().openapi("CreateBranch");

export const UpdateBranchSchema = CreateBranchSchema.partial().strict().openapi("UpdateBranch");

export const BRANCH_ORDERING = ["created_at", "name"] as const;

export const ListBranchesQuerySchema = z.object({
  ...pageQueryFields,
  ...deletedQueryFields,
  ordering: orderingField(BRANCH_ORDERING),
  region_id: z.string().optional(),
  search: z.string().max(100).optional().openapi({
    description: "Matches name, address or email.",
  }),
});
export type ListBranchesQuery = z.infer<typeof ListBranchesQuerySchema>;

export const BranchPageSchema = pageSchema(BranchSchema, "BranchPage");
