/** /agents: referral partners, read within scope, managed by branch_admin and up. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  AgentPageSchema,
  AgentSchema,
  CreateAgentSchema,
  ListAgentsQuerySchema,
  UpdateAgentSchema,
} from "./agents.schemas.ts";
import { getAgent, listAgents } from "./agents.selectors.ts";
import { createAgent, setAgentDeleted, updateAgent } from "./agents.services.ts";

export const agentsRouter = crudRouter({
  tag: "Agents",
  path: "/agents",
  noun: { one: "agent", many: "agents" },
  row: AgentSchema,
  page: AgentPageSchema,
  list: {
    summary: "List agents in scope (tenant-wide agents included)",
    query: ListAgentsQuerySchema,
    run: listAgents,
  },
  create: {
    summary: "Create an agent (branch_admin and up; tenant-wide: super_admin, country_manager)",
    body: CreateAgentSchema,
    run: createAgent,
  },
  get: { summary: "One live agent", run: getAgent },
  update: { summary: "Change an agent", body: UpdateAgentSchema, run: updateAgent },
  remove: {
    summary: "Soft-delete an agent",
    run: (db, scope, meta, id) => setAgentDeleted(db, scope, meta, id, true),
  },
  restore: {
    summary: "Restore a soft-deleted agent",
    run: (db, scope, meta, id) => setAgentDeleted(db, scope, meta, id, false),
  },
});
