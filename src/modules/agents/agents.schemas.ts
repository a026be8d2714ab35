/** Referral agents: of a branch, or tenant-wide. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { agents } from "../../db/schema/index.ts";
import { emailAddress, idRef } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";
import { deletedQueryFields } from "../../lib/soft-delete.ts";

export const AgentSchema = createSelectSchema(agents).openapi("Agent", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000010",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    branch_id: null,
    name: "Ramesh Thapa",
    company: "Everest Education Consultancy",
    email: "ramesh@everest-edu.example",
    phone: "+977 1 555 0101",
    commission_percent: 12.5,
    created_at: "2026-01-10T09:00:00.000Z",
    updated_at: "2026-01-10T09:00:00.000Z",
    created_by: null,
    updated_by: null,
    deleted_at: null,
    deleted_by: null,
  },
});
export type Agent = z.infer<typeof AgentSchema>;

export const CreateAgentSchema = z.object({
  name: z.string().trim().min(1).max(200).openapi({ example: "Ramesh Thapa" }),
  company: z.string().trim().max(200).optional(),
  email: emailAddress.nullable().optional(),
  phone: z.string().trim().max(40).optional(),
  commission_percent: z.number().min(0).max(100).optional().openapi({ example: 12.5 }),
  branch_id: idRef.nullable().optional().openapi({
    description: "The agent's branch; null makes it tenant-wide (super_admin, country_manager).",
  }),
}).strict().openapi("CreateAgent");

export const UpdateAgentSchema = CreateAgentSchema.partial().strict().openapi("UpdateAgent");

export const AGENT_ORDERING = ["created_at", "name"] as const;

export const ListAgentsQuerySchema = z.object({
  ...pageQueryFields,
  ...deletedQueryFields,
  ordering: orderingField(AGENT_ORDERING),
  branch_id: z.string().optional(),
  search: z.string().max(100).optional().openapi({
    description: "Matches name, company, email or phone.",
  }),
});
export type ListAgentsQuery = z.infer<typeof ListAgentsQuerySchema>;

export const AgentPageSchema = pageSchema(AgentSchema, "AgentPage");
