/** /users: staff accounts inside the caller's scope. @module */
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
  CreateUserSchema,
  ListUsersQuerySchema,
  UpdateUserSchema,
  UserPageSchema,
  UserSchema,
} from "./users.schemas.ts";
import { getUser, listUsers } from "./users.selectors.ts";
import { createUser, updateUser } from "./users.services.ts";

const common = { tags: ["Users"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/users",
  summary: "List users placed in the caller's scope",
  request: { query: ListUsersQuerySchema },
  responses: { 200: jsonResponse(UserPageSchema, "A page of users"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/users",
  summary: "Create a user of the role directly below the caller's",
  description:
    "super_super_admin → super_admin → country_manager → region_manager → branch_admin → consultant. " +
    "A region needs region_id; a branch role needs branch_id (its region follows).",
  request: { body: jsonBody(CreateUserSchema) },
  responses: { 201: jsonResponse(UserSchema, "The new user"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/users/{id}",
  summary: "One user",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(UserSchema, "The user"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/users/{id}",
  summary: "Change, move, re-role, reset the password of, or (de)activate a user",
  description:
    "Users edit only their own names and phone here. Managers change users of lower roles " +
    "inside their scope; a new password or `is_active: false` ends the user's sessions at once.",
  request: { params: IdParamsSchema, body: jsonBody(UpdateUserSchema) },
  responses: { 200: jsonResponse(UserSchema, "The updated user"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/users/{id}",
  summary: "Deactivate a user (never a hard delete); its sessions end",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deactivated" }, ...writeErrors },
});

export const usersRouter = createRouter()
  .openapi(list, async (c) => {
    const page = await listUsers(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url);
    return c.json(page, 200);
  })
  .openapi(create, async (c) => {
    const user = await createUser(
      c.get("deps"),
      tenantScope(c),
      requestMeta(c),
      c.req.valid("json"),
    );
    return c.json(user, 201);
  })
  .openapi(getOne, async (c) => {
    return c.json(await getUser(c.get("deps").db, tenantScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const id = c.req.valid("param").id;
    const user = await updateUser(
      c.get("deps"),
      tenantScope(c),
      requestMeta(c),
      id,
      c.req.valid("json"),
    );
    return c.json(user, 200);
  })
  .openapi(remove, async (c) => {
    const id = c.req.valid("param").id;
    await updateUser(c.get("deps"), tenantScope(c), requestMeta(c), id, { is_active: false });
    return c.body(null, 204);
  });
