/** /regions: read by the whole tenant within scope, written by tenant managers. @module */
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
  CreateRegionSchema,
  ListRegionsQuerySchema,
  RegionPageSchema,
  RegionSchema,
  UpdateRegionSchema,
} from "./regions.schemas.ts";
import { getRegion, listRegions } from "./regions.selectors.ts";
import { createRegion, deleteRegion, updateRegion } from "./regions.services.ts";

const common = { tags: ["Regions"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/regions",
  summary: "List regions in scope",
  request: { query: ListRegionsQuerySchema },
  responses: { 200: jsonResponse(RegionPageSchema, "A page of regions"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/regions",
  summary: "Create a region (super_admin, country_manager)",
  request: { body: jsonBody(CreateRegionSchema) },
  responses: { 201: jsonResponse(RegionSchema, "The new region"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/regions/{id}",
  summary: "One region",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(RegionSchema, "The region"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/regions/{id}",
  summary: "Change a region (super_admin, country_manager)",
  request: { params: IdParamsSchema, body: jsonBody(UpdateRegionSchema) },
  responses: { 200: jsonResponse(RegionSchema, "The updated region"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/regions/{id}",
  summary: "Delete an empty region (super_admin, country_manager)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

export const regionsRouter = createRouter()
  .openapi(list, async (c) => {
    const page = await listRegions(
      c.get("deps").db,
      tenantScope(c),
      c.req.valid("query"),
      c.req.url,
    );
    return c.json(page, 200);
  })
  .openapi(create, async (c) => {
    const region = await createRegion(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("json"),
    );
    return c.json(region, 201);
  })
  .openapi(getOne, async (c) => {
    return c.json(await getRegion(c.get("deps").db, tenantScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const region = await updateRegion(
      db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(region, 200);
  })
  .openapi(remove, async (c) => {
    await deleteRegion(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
