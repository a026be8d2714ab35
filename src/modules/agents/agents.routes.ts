/** /agents: referral partners, read within scope, managed by branch_admin and up. @module */
import { createRoute } from "@hono/zod-openapi";
import { requireAuth, tenantScope } from "../../auth/middleware.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import {
  bearerSecurity,
  createRouter,
  emptyBody,
  IdParamsSchema,
  jsonBody,
  jsonResponse,
  readErrors,
  writeErrors,
} from "../../lib/router.ts";
import {
  AgentPageSchema,
  AgentSchema,
  CreateAgentSchema,
  ListAgentsQuerySchema,
  UpdateAgentSchema,
} from "./agents.schemas.ts";
import { getAgent, listAgents } from "./agents.selectors.ts";
import { createAgent, setAgentDeleted, updateAgent } from "./agents.services.ts";

const common = { tags: ["Agents"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/agents",
  summary: "List agents in scope (tenant-wide agents included)",
  request: { query: ListAgentsQuerySchema },
  responses: { 200: jsonResponse(AgentPageSchema, "A page of agents"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/agents",
  summary: "Create an agent (branch_admin and up; tenant-wide: super_admin, country_manager)",
  request: { body: jsonBody(CreateAgentSchema) },
  responses: { 201: jsonResponse(AgentSchema, "The new agent"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/agents/{id}",
  summary: "One live agent",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(AgentSchema, "The agent"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/agents/{id}",
  summary: "Change an agent",
  request: { params: IdParamsSchema, body: jsonBody(UpdateAgentSchema) },
  responses: { 200: jsonResponse(AgentSchema, "The updated agent"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/agents/{id}",
  summary: "Soft-delete an agent",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});
const restore = createRoute({
  ...common,
  method: "post",
  path: "/agents/{id}/restore",
  summary: "Restore a soft-deleted agent",
  request: { params: IdParamsSchema, body: emptyBody },
  responses: { 200: jsonResponse(AgentSchema, "The restored agent"), ...writeErrors },
});

export const agentsRouter = createRouter()
  .openapi(list, async (c) => {
    return c.json(
      await listAgents(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(create, async (c) => {
    return c.json(
      await createAgent(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getOne, async (c) => {
    return c.json(await getAgent(c.get("deps").db, tenantScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const agent = await updateAgent(
      db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(agent, 200);
  })
  .openapi(remove, async (c) => {
    await setAgentDeleted(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      true,
    );
    return c.body(null, 204);
  })
  .openapi(restore, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await setAgentDeleted(db, tenantScope(c), requestMeta(c), c.req.valid("param").id, false),
      200,
    );
  });
