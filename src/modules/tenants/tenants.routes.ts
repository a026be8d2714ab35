/**
 * /tenants: the platform admin's agency administration, and /tenants/current,
 * where an agency reads its settings and its super_admin changes them.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { anyScope, platformScope, requireAuth, tenantScope } from "../../auth/middleware.ts";
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
import { requireRole } from "../../scope/permissions.ts";
import {
  CreateTenantSchema,
  ListTenantsQuerySchema,
  TenantPageSchema,
  TenantSchema,
  UpdateCurrentTenantSchema,
  UpdateTenantSchema,
} from "./tenants.schemas.ts";
import { getTenant, listTenants } from "./tenants.selectors.ts";
import { createTenant, setTenantActive, updateTenant } from "./tenants.services.ts";

const common = {
  tags: ["Tenants"],
  security: bearerSecurity,
  middleware: requireAuth(),
};

const list = createRoute({
  ...common,
  method: "get",
  path: "/tenants",
  summary: "List tenants (the platform admin sees all, staff their own)",
  request: { query: ListTenantsQuerySchema },
  responses: { 200: jsonResponse(TenantPageSchema, "A page of tenants"), ...readErrors },
});

const create = createRoute({
  ...common,
  method: "post",
  path: "/tenants",
  summary: "Create a tenant (platform admin)",
  request: { body: jsonBody(CreateTenantSchema) },
  responses: { 201: jsonResponse(TenantSchema, "The new tenant"), ...writeErrors },
});

const getCurrent = createRoute({
  ...common,
  method: "get",
  path: "/tenants/current",
  summary: "The caller's tenant, with its settings",
  responses: { 200: jsonResponse(TenantSchema, "The tenant"), ...readErrors },
});

const patchCurrent = createRoute({
  ...common,
  method: "patch",
  path: "/tenants/current",
  summary: "Change the caller's tenant name or settings (super_admin)",
  request: { body: jsonBody(UpdateCurrentTenantSchema) },
  responses: { 200: jsonResponse(TenantSchema, "The updated tenant"), ...writeErrors },
});

const getOne = createRoute({
  ...common,
  method: "get",
  path: "/tenants/{id}",
  summary: "One tenant",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(TenantSchema, "The tenant"), ...readErrors },
});

const patch = createRoute({
  ...common,
  method: "patch",
  path: "/tenants/{id}",
  summary: "Change a tenant (platform admin)",
  request: { params: IdParamsSchema, body: jsonBody(UpdateTenantSchema) },
  responses: { 200: jsonResponse(TenantSchema, "The updated tenant"), ...writeErrors },
});

const suspend = createRoute({
  ...common,
  method: "post",
  path: "/tenants/{id}/suspend",
  summary: "Suspend a tenant: its staff are refused from their next request (platform admin)",
  request: { params: IdParamsSchema, body: emptyBody },
  responses: { 200: jsonResponse(TenantSchema, "The suspended tenant"), ...writeErrors },
});

const reactivate = createRoute({
  ...common,
  method: "post",
  path: "/tenants/{id}/reactivate",
  summary: "Reactivate a suspended tenant (platform admin)",
  request: { params: IdParamsSchema, body: emptyBody },
  responses: { 200: jsonResponse(TenantSchema, "The reactivated tenant"), ...writeErrors },
});

export const tenantsRouter = createRouter()
  .openapi(list, async (c) => {
    const page = await listTenants(c.get("deps").db, anyScope(c), c.req.valid("query"), c.req.url);
    return c.json(page, 200);
  })
  .openapi(create, async (c) => {
    const scope = platformScope(c);
    const tenant = await createTenant(c.get("deps").db, scope, requestMeta(c), c.req.valid("json"));
    return c.json(tenant, 201);
  })
  .openapi(getCurrent, async (c) => {
    const scope = tenantScope(c);
    return c.json(await getTenant(c.get("deps").db, scope, scope.tenantId), 200);
  })
  .openapi(patchCurrent, async (c) => {
    const scope = tenantScope(c);
    requireRole(scope, ["super_admin"], "change the agency's settings");
    const db = c.get("deps").db;
    const tenant = await updateTenant(
      db,
      scope,
      requestMeta(c),
      scope.tenantId,
      c.req.valid("json"),
      {
        platformOnly: false,
      },
    );
    return c.json(tenant, 200);
  })
  .openapi(getOne, async (c) => {
    return c.json(await getTenant(c.get("deps").db, anyScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    const tenant = await updateTenant(db, anyScope(c), requestMeta(c), id, c.req.valid("json"), {
      platformOnly: true,
    });
    return c.json(tenant, 200);
  })
  .openapi(suspend, async (c) => {
    const { db } = c.get("deps");
    const tenant = await setTenantActive(
      db,
      anyScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      false,
    );
    return c.json(tenant, 200);
  })
  .openapi(reactivate, async (c) => {
    const { db } = c.get("deps");
    const tenant = await setTenantActive(
      db,
      anyScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      true,
    );
    return c.json(tenant, 200);
  });
