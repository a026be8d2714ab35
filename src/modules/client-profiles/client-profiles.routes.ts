/**
 * /clients/{client_id}/{passports,qualifications,proficiencies,experiences,lpes,notes}:
 * the same five routes for each sub-resource, declared once. A client that is
 * unknown, out of scope or soft-deleted answers 404 "Client not found"; a record
 * of another client answers 404 under this one's URL.
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { tenantScope } from "../../auth/middleware.ts";
import type { AppEnv } from "../../lib/context.ts";
import { authenticatedRoute } from "../../lib/crud-routes.ts";
import type { PageQuery } from "../../lib/pagination.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import { createRouter, jsonBody, jsonResponse, readErrors, writeErrors } from "../../lib/router.ts";
import type { ProfileResource, ProfileRow } from "./client-profiles.resource.ts";
import {
  experiencesResource,
  lpesResource,
  notesResource,
  passportsResource,
  proficienciesResource,
  qualificationsResource,
} from "./client-profiles.resources.ts";
import { ClientItemParamsSchema, ClientParamsSchema } from "./client-profiles.schemas.ts";
import { getClientRecord, listClientRecords } from "./client-profiles.selectors.ts";
import {
  createClientRecord,
  deleteClientRecord,
  updateClientRecord,
} from "./client-profiles.services.ts";

/**
 * The router of one sub-resource. Its return type is spelled out: inferring the
 * route schema of a generic router is what makes the type checker give up
 * ("excessively deep"), and the app only needs it as a router.
 */
export function clientRecordsRouter<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(resource: ProfileResource<Row, C, U, Q>): OpenAPIHono<AppEnv> {
  const { noun, schemas, docs = {} } = resource;
  const common = authenticatedRoute(resource.tag);
  const listPath = `/clients/{client_id}/${resource.path}`;
  const itemPath = `${listPath}/{id}`;

  const list = createRoute({
    ...common,
    method: "get",
    path: listPath,
    summary: `List a client's ${noun.many}`,
    description: docs.list,
    request: { params: ClientParamsSchema, query: schemas.query },
    responses: { 200: jsonResponse(schemas.page, `A page of ${noun.many}`), ...readErrors },
  });
  const create = createRoute({
    ...common,
    method: "post",
    path: listPath,
    summary: `Add a ${noun.one} to a client`,
    description: docs.create,
    request: { params: ClientParamsSchema, body: jsonBody(schemas.create) },
    responses: { 201: jsonResponse(schemas.row, `The new ${noun.one}`), ...writeErrors },
  });
  const getOne = createRoute({
    ...common,
    method: "get",
    path: itemPath,
    summary: `One ${noun.one} of a client`,
    request: { params: ClientItemParamsSchema },
    responses: { 200: jsonResponse(schemas.row, `The ${noun.one}`), ...readErrors },
  });
  const patch = createRoute({
    ...common,
    method: "patch",
    path: itemPath,
    summary: `Change a ${noun.one} of a client`,
    description: docs.update,
    request: { params: ClientItemParamsSchema, body: jsonBody(schemas.update) },
    responses: { 200: jsonResponse(schemas.row, `The updated ${noun.one}`), ...writeErrors },
  });
  const remove = createRoute({
    ...common,
    method: "delete",
    path: itemPath,
    summary: `Delete a ${noun.one} of a client (branch_admin and up)`,
    description: docs.remove,
    request: { params: ClientItemParamsSchema },
    responses: { 204: { description: "Deleted" }, ...writeErrors },
  });

  const router = createRouter();
  router.openapi(list, async (c) => {
    const { db } = c.get("deps");
    const { client_id } = c.req.valid("param");
    return c.json(
      await listClientRecords(
        db,
        tenantScope(c),
        resource,
        client_id,
        c.req.valid("query"),
        c.req.url,
      ),
      200,
    );
  });
  router.openapi(create, async (c) => {
    const { db } = c.get("deps");
    const { client_id } = c.req.valid("param");
    return c.json(
      await createClientRecord(
        db,
        tenantScope(c),
        requestMeta(c),
        resource,
        client_id,
        c.req.valid("json"),
      ),
      201,
    );
  });
  router.openapi(getOne, async (c) => {
    const { client_id, id } = c.req.valid("param");
    const { row } = await getClientRecord(
      c.get("deps").db,
      tenantScope(c),
      resource,
      client_id,
      id,
    );
    return c.json(row, 200);
  });
  router.openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const { client_id, id } = c.req.valid("param");
    return c.json(
      await updateClientRecord(
        db,
        tenantScope(c),
        requestMeta(c),
        resource,
        client_id,
        id,
        c.req.valid("json"),
      ),
      200,
    );
  });
  router.openapi(remove, async (c) => {
    const { client_id, id } = c.req.valid("param");
    await deleteClientRecord(
      c.get("deps").db,
      tenantScope(c),
      requestMeta(c),
      resource,
      client_id,
      id,
    );
    return c.body(null, 204);
  });
  return router;
}

/** Every client sub-resource, for `app.route(API_PREFIX, …)`. */
export const clientProfilesRouter = createRouter()
  .route("/", clientRecordsRouter(passportsResource))
  .route("/", clientRecordsRouter(qualificationsResource))
  .route("/", clientRecordsRouter(proficienciesResource))
  .route("/", clientRecordsRouter(experiencesResource))
  .route("/", clientRecordsRouter(lpesResource))
  .route("/", clientRecordsRouter(notesResource));
