/** /visa-applications: applications of clients in scope, with their status machine. @module */
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
  CreateVisaApplicationSchema,
  ListVisaApplicationsQuerySchema,
  UpdateVisaApplicationSchema,
  VisaApplicationPageSchema,
  VisaApplicationSchema,
} from "./visa-applications.schemas.ts";
import { getVisaApplication, listVisaApplications } from "./visa-applications.selectors.ts";
import {
  createVisaApplication,
  deleteVisaApplication,
  updateVisaApplication,
} from "./visa-applications.services.ts";

const common = { tags: ["Visa applications"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/visa-applications",
  summary: "List visa applications of clients in scope",
  request: { query: ListVisaApplicationsQuerySchema },
  responses: {
    200: jsonResponse(VisaApplicationPageSchema, "A page of visa applications"),
    ...readErrors,
  },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/visa-applications",
  summary: "Start a visa application (status draft)",
  request: { body: jsonBody(CreateVisaApplicationSchema) },
  responses: { 201: jsonResponse(VisaApplicationSchema, "The new application"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/visa-applications/{id}",
  summary: "One visa application",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(VisaApplicationSchema, "The application"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/visa-applications/{id}",
  summary: "Change an application or move its status",
  description:
    "A move outside the status machine is 409 `invalid_transition` with the allowed next statuses " +
    "in `details.allowed`.",
  request: { params: IdParamsSchema, body: jsonBody(UpdateVisaApplicationSchema) },
  responses: {
    200: jsonResponse(VisaApplicationSchema, "The updated application"),
    ...writeErrors,
  },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/visa-applications/{id}",
  summary: "Delete a draft application (branch_admin and up)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

export const visaApplicationsRouter = createRouter()
  .openapi(list, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await listVisaApplications(db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(create, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await createVisaApplication(db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getOne, async (c) => {
    return c.json(
      await getVisaApplication(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateVisaApplication(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(remove, async (c) => {
    await deleteVisaApplication(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  });
