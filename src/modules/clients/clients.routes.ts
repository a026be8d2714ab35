/** /clients: every role reads and edits clients in scope; branch_admin and up delete, restore, move. @module */
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
  ClientPageSchema,
  ClientSchema,
  CreateClientSchema,
  ListClientsQuerySchema,
  UpdateClientSchema,
} from "./clients.schemas.ts";
import { getClient, listClients } from "./clients.selectors.ts";
import { createClient, setClientDeleted, updateClient } from "./clients.services.ts";

const common = { tags: ["Clients"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/clients",
  summary: "List clients in scope",
  description:
    "Newest first by default. Filters combine with AND; `search` matches names, email, phone and passport number.",
  request: { query: ListClientsQuerySchema },
  responses: { 200: jsonResponse(ClientPageSchema, "A page of clients"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/clients",
  summary: "Create a client",
  request: { body: jsonBody(CreateClientSchema) },
  responses: { 201: jsonResponse(ClientSchema, "The new client"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/clients/{id}",
  summary: "One live client",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(ClientSchema, "The client"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/clients/{id}",
  summary: "Change a client (a new branch_id moves it: branch_admin and up)",
  request: { params: IdParamsSchema, body: jsonBody(UpdateClientSchema) },
  responses: { 200: jsonResponse(ClientSchema, "The updated client"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/clients/{id}",
  summary: "Soft-delete a client (branch_admin and up)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});
const restore = createRoute({
  ...common,
  method: "post",
  path: "/clients/{id}/restore",
  summary: "Restore a soft-deleted client (branch_admin and up)",
  request: { params: IdParamsSchema, body: emptyBody },
  responses: { 200: jsonResponse(ClientSchema, "The restored client"), ...writeErrors },
});

export const clientsRouter = createRouter()
  .openapi(list, async (c) => {
    return c.json(
      await listClients(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
      200,
    );
  })
  .openapi(create, async (c) => {
    return c.json(
      await createClient(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getOne, async (c) => {
    return c.json(await getClient(c.get("deps").db, tenantScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const client = await updateClient(
      db,
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(client, 200);
  })
  .openapi(remove, async (c) => {
    await setClientDeleted(
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
      await setClientDeleted(db, tenantScope(c), requestMeta(c), c.req.valid("param").id, false),
      200,
    );
  });
