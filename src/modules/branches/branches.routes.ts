/** /branches: read within scope; written by tenant managers and region managers. @module */
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
  BranchPageSchema,
  BranchSchema,
  CreateBranchSchema,
  ListBranchesQuerySchema,
  UpdateBranchSchema,
} from "./branches.schemas.ts";
import { getBranch, listBranches } from "./branches.selectors.ts";
import { createBranch, deleteBranch, restoreBranch, updateBranch } from "./branches.services.ts";

const common = { tags: ["Branches"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/branches",
  summary: "List branches in scope",
  request: { query: ListBranchesQuerySchema },
  responses: { 200: jsonResponse(BranchPageSchema, "A page of branches"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/branches",
  summary: "Create a branch (super_admin, country_manager; region_manager in its region)",
  request: { body: jsonBody(CreateBranchSchema) },
  responses: { 201: jsonResponse(BranchSchema, "The new branch"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/branches/{id}",
  summary: "One live branch",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(BranchSchema, "The branch"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/branches/{id}",
  summary: "Change or move a branch",
  request: { params: IdParamsSchema, body: jsonBody(UpdateBranchSchema) },
  responses: { 200: jsonResponse(BranchSchema, "The updated branch"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/branches/{id}",
  summary: "Soft-delete a branch with no active users",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});
const restore = createRoute({
  ...common,
  method: "post",
  path: "/branches/{id}/restore",
  summary: "Restore a soft-deleted branch",
  request: { params: IdParamsSchema, body: emptyBody },
  responses: { 200: jsonResponse(BranchSchema, "The restored branch"), ...writeErrors },
});

export const branchesRouter = createRouter()
  .openapi(list, async (c) => {
    const page = await listBranches(
      c.get("deps").db,
      tenantScope(c),
      c.req.valid("query"),
      c.req.url,
    );
    return c.json(page, 200);
  })
  .openapi(create, async (c) => {
    const branch = await createBranch(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("json"),
    );
    return c.json(branch, 201);
  })
  .openapi(getOne, async (c) => {
    return c.json(await getBranch(c.get("deps").db, tenantScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const branch = await updateBranch(
      db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(branch, 200);
  })
  .openapi(remove, async (c) => {
    await deleteBranch(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(restore, async (c) => {
    const branch = await restoreBranch(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
    );
    return c.json(branch, 200);
  });
