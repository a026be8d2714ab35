/** /applications: study and other applications of clients in scope. @module */
import { createRoute } from "@hono/zod-openapi";
import { requireAuth, tenantScope } from "../../auth/middleware.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import {
  bearerSecurity,
  createRouter,
  IdParamsSchema,
  jsonBody,
  jsonResponse,
  readErrors,
  writeErrors,
} from "../../lib/router.ts";
import {
  ApplicationPageSchema,
  ApplicationSchema,
  CreateApplicationSchema,
  ListApplicationsQuerySchema,
  UpdateApplicationSchema,
} from "./applications.schemas.ts";
import { getApplication, listApplications } from "./applications.selectors.ts";
import {
  createApplication,
  deleteApplication,
  updateApplication,
} from "./applications.services.ts";

const common = { tags: ["Applications"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/applications",
  summary: "List applications of clients in scope",
  request: { query: ListApplicationsQuerySchema },
  responses: { 200: jsonResponse(ApplicationPageSchema, "A page of applications"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/applications",
  summary: "Start an application (at the type's first stage unless stage_id names another)",
  description: "A stage of another type is 422 on `stage_id`.",
  request: { body: jsonBody(CreateApplicationSchema) },
  responses: { 201: jsonResponse(ApplicationSchema, "The new application"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/applications/{id}",
  summary: "One application",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(ApplicationSchema, "The application"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/applications/{id}",
  summary: "Change an application or move it to another stage or status",
  description: "The stage must be one of the application's type (after a type change in the " +
    "same request, the new type's); a new type alone resets the stage to its first. A move " +
    "that races another is 409 `conflict`.",
  request: { params: IdParamsSchema, body: jsonBody(UpdateApplicationSchema) },
  responses: { 200: jsonResponse(ApplicationSchema, "The updated application"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/applications/{id}",
  summary: "Delete an application (branch_admin and up)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

export const applicationsRouter = createRouter()
  .openapi(list, async (c) => {
    return c.json(
      await listApplications(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(create, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await createApplication(db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getOne, async (c) => {
    return c.json(
      await getApplication(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateApplication(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(remove, async (c) => {
    const { db } = c.get("deps");
    await deleteApplication(db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
