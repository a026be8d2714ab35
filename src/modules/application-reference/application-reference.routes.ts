/** /application-types and /application-stages: read by the whole tenant, written by its managers. @module */
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
  ApplicationStagePageSchema,
  ApplicationStageSchema,
  ApplicationTypePageSchema,
  ApplicationTypeSchema,
  CreateApplicationStageSchema,
  CreateApplicationTypeSchema,
  ListApplicationStagesQuerySchema,
  ListApplicationTypesQuerySchema,
  UpdateApplicationStageSchema,
  UpdateApplicationTypeSchema,
} from "./application-reference.schemas.ts";
import {
  getApplicationStage,
  getApplicationType,
  listApplicationStages,
  listApplicationTypes,
} from "./application-reference.selectors.ts";
import {
  createApplicationStage,
  createApplicationType,
  deleteApplicationStage,
  deleteApplicationType,
  updateApplicationStage,
  updateApplicationType,
} from "./application-reference.services.ts";

const common = {
  tags: ["Application reference data"],
  security: bearerSecurity,
  middleware: requireAuth(),
};
const managers = "(super_admin, country_manager)";

const listTypes = createRoute({
  ...common,
  method: "get",
  path: "/application-types",
  summary: "List application types",
  request: { query: ListApplicationTypesQuerySchema },
  responses: {
    200: jsonResponse(ApplicationTypePageSchema, "A page of application types"),
    ...readErrors,
  },
});
const createType = createRoute({
  ...common,
  method: "post",
  path: "/application-types",
  summary: `Create an application type ${managers}`,
  request: { body: jsonBody(CreateApplicationTypeSchema) },
  responses: { 201: jsonResponse(ApplicationTypeSchema, "The new type"), ...writeErrors },
});
const getType = createRoute({
  ...common,
  method: "get",
  path: "/application-types/{id}",
  summary: "One application type",
  description: "Its stages are listed by `GET /application-stages?application_type_id=`.",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(ApplicationTypeSchema, "The type"), ...readErrors },
});
const patchType = createRoute({
  ...common,
  method: "patch",
  path: "/application-types/{id}",
  summary: `Change an application type ${managers}`,
  request: { params: IdParamsSchema, body: jsonBody(UpdateApplicationTypeSchema) },
  responses: { 200: jsonResponse(ApplicationTypeSchema, "The updated type"), ...writeErrors },
});
const deleteType = createRoute({
  ...common,
  method: "delete",
  path: "/application-types/{id}",
  summary: `Delete an application type without stages or applications ${managers}`,
  description: "409 `application_type_in_use` while applications use it, " +
    "409 `application_type_has_stages` while it has stages.",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});
const listStages = createRoute({
  ...common,
  method: "get",
  path: "/application-stages",
  summary: "List application stages (by type, then position)",
  request: { query: ListApplicationStagesQuerySchema },
  responses: {
    200: jsonResponse(ApplicationStagePageSchema, "A page of application stages"),
    ...readErrors,
  },
});
const createStage = createRoute({
  ...common,
  method: "post",
  path: "/application-stages",
  summary: `Add a stage to an application type ${managers}`,
  description: "Stage names are unique per type (409 `stage_name_taken`).",
  request: { body: jsonBody(CreateApplicationStageSchema) },
  responses: { 201: jsonResponse(ApplicationStageSchema, "The new stage"), ...writeErrors },
});
const getStage = createRoute({
  ...common,
  method: "get",
  path: "/application-stages/{id}",
  summary: "One application stage",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(ApplicationStageSchema, "The stage"), ...readErrors },
});
const patchStage = createRoute({
  ...common,
  method: "patch",
  path: "/application-stages/{id}",
  summary: `Rename, reorder or describe a stage ${managers}`,
  request: { params: IdParamsSchema, body: jsonBody(UpdateApplicationStageSchema) },
  responses: { 200: jsonResponse(ApplicationStageSchema, "The updated stage"), ...writeErrors },
});
const deleteStage = createRoute({
  ...common,
  method: "delete",
  path: "/application-stages/{id}",
  summary: `Delete a stage no application is at ${managers}`,
  description: "409 `application_stage_in_use` while an application is at it.",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

export const applicationReferenceRouter = createRouter()
  .openapi(listTypes, async (c) => {
    return c.json(
      await listApplicationTypes(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(createType, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await createApplicationType(db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getType, async (c) => {
    return c.json(
      await getApplicationType(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patchType, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateApplicationType(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(deleteType, async (c) => {
    const { db } = c.get("deps");
    await deleteApplicationType(db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(listStages, async (c) => {
    return c.json(
      await listApplicationStages(
        c.get("deps").db,
        tenantScope(c),
        c.req.valid("query"),
        c.req.url,
      ),
      200,
    );
  })
  .openapi(createStage, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await createApplicationStage(db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getStage, async (c) => {
    return c.json(
      await getApplicationStage(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patchStage, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateApplicationStage(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(deleteStage, async (c) => {
    const { db } = c.get("deps");
    await deleteApplicationStage(db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
