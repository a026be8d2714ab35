/** /visa-categories and /visa-types: read by the whole tenant, written by its managers. @module */
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
  CreateVisaCategorySchema,
  CreateVisaTypeSchema,
  ListVisaCategoriesQuerySchema,
  ListVisaTypesQuerySchema,
  UpdateVisaCategorySchema,
  UpdateVisaTypeSchema,
  VisaCategoryPageSchema,
  VisaCategorySchema,
  VisaTypePageSchema,
  VisaTypeSchema,
} from "./visa-reference.schemas.ts";
import {
  getVisaCategory,
  getVisaType,
  listVisaCategories,
  listVisaTypes,
} from "./visa-reference.selectors.ts";
import {
  createVisaCategory,
  createVisaType,
  deleteVisaCategory,
  deleteVisaType,
  updateVisaCategory,
  updateVisaType,
} from "./visa-reference.services.ts";

const common = {
  tags: ["Visa reference data"],
  security: bearerSecurity,
  middleware: requireAuth(),
};
const managers = "(super_admin, country_manager)";

const listCategories = createRoute({
  ...common,
  method: "get",
  path: "/visa-categories",
  summary: "List visa categories",
  request: { query: ListVisaCategoriesQuerySchema },
  responses: {
    200: jsonResponse(VisaCategoryPageSchema, "A page of visa categories"),
    ...readErrors,
  },
});
const createCategory = createRoute({
  ...common,
  method: "post",
  path: "/visa-categories",
  summary: `Create a visa category ${managers}`,
  request: { body: jsonBody(CreateVisaCategorySchema) },
  responses: { 201: jsonResponse(VisaCategorySchema, "The new category"), ...writeErrors },
});
const getCategory = createRoute({
  ...common,
  method: "get",
  path: "/visa-categories/{id}",
  summary: "One visa category",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(VisaCategorySchema, "The category"), ...readErrors },
});
const patchCategory = createRoute({
  ...common,
  method: "patch",
  path: "/visa-categories/{id}",
  summary: `Change a visa category ${managers}`,
  request: { params: IdParamsSchema, body: jsonBody(UpdateVisaCategorySchema) },
  responses: { 200: jsonResponse(VisaCategorySchema, "The updated category"), ...writeErrors },
});
const deleteCategory = createRoute({
  ...common,
  method: "delete",
  path: "/visa-categories/{id}",
  summary: `Delete a visa category without types ${managers}`,
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});
const listTypes = createRoute({
  ...common,
  method: "get",
  path: "/visa-types",
  summary: "List visa types",
  request: { query: ListVisaTypesQuerySchema },
  responses: { 200: jsonResponse(VisaTypePageSchema, "A page of visa types"), ...readErrors },
});
const createType = createRoute({
  ...common,
  method: "post",
  path: "/visa-types",
  summary: `Create a visa type ${managers}`,
  request: { body: jsonBody(CreateVisaTypeSchema) },
  responses: { 201: jsonResponse(VisaTypeSchema, "The new visa type"), ...writeErrors },
});
const getType = createRoute({
  ...common,
  method: "get",
  path: "/visa-types/{id}",
  summary: "One visa type",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(VisaTypeSchema, "The visa type"), ...readErrors },
});
const patchType = createRoute({
  ...common,
  method: "patch",
  path: "/visa-types/{id}",
  summary: `Change a visa type ${managers}`,
  request: { params: IdParamsSchema, body: jsonBody(UpdateVisaTypeSchema) },
  responses: { 200: jsonResponse(VisaTypeSchema, "The updated visa type"), ...writeErrors },
});
const deleteType = createRoute({
  ...common,
  method: "delete",
  path: "/visa-types/{id}",
  summary: `Delete a visa type no application uses ${managers}`,
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

export const visaReferenceRouter = createRouter()
  .openapi(listCategories, async (c) => {
    return c.json(
      await listVisaCategories(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(createCategory, async (c) => {
    return c.json(
      await createVisaCategory(
        c.get("deps").db,
        tenantScope(c),
        requestMeta(c),
        c.req.valid("json"),
      ),
      201,
    );
  })
  .openapi(getCategory, async (c) => {
    return c.json(
      await getVisaCategory(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patchCategory, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateVisaCategory(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(deleteCategory, async (c) => {
    await deleteVisaCategory(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(listTypes, async (c) => {
    return c.json(
      await listVisaTypes(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(createType, async (c) => {
    return c.json(
      await createVisaType(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getType, async (c) => {
    return c.json(
      await getVisaType(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patchType, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateVisaType(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(deleteType, async (c) => {
    await deleteVisaType(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
