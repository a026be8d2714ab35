/**
 * The routes of a top-level resource, declared once: `GET|POST /<path>`,
 * `GET|PATCH|DELETE /<path>/{id}` and `POST /<path>/{id}/restore`. A module
 * describes its resource (tag, nouns, schemas, the summary of each route it has)
 * and hands over its own selectors and services; the handlers stay thin (scope,
 * request meta, validated input in; the service's answer out). Routes that are not
 * plain CRUD stay in the module, added to the router this returns.
 * @module
 */
import { createRoute, type OpenAPIHono, type z } from "@hono/zod-openapi";
import { requireAuth, tenantScope } from "../auth/middleware.ts";
import type { Database } from "../db/database.ts";
import type { TenantScope } from "../scope/scope.ts";
import type { Context } from "hono";
import type { AppEnv } from "./context.ts";
import type { RowText } from "../db/json-rows.ts";
import { isTextPage, type Page, pageJson, type PageQuery, type TextPage } from "./pagination.ts";
import { type RequestMeta, requestMeta } from "./request-meta.ts";
import {
  bearerSecurity,
  createRouter,
  emptyBody,
  type errorResponses,
  IdParamsSchema,
  jsonBody,
  jsonResponse,
  readErrors,
  writeErrors,
} from "./router.ts";

/** The options every tenant-data route of a tag shares (a platform admin must name the tenant). */
export function authenticatedRoute(tag: string) {
  return { tags: [tag], security: bearerSecurity, middleware: requireAuth({ tenant: true }) };
}

/**
 * A list's query schema: an object (so OpenAPI lists its parameters) whose output
 * carries the paging fields every list has.
 */
export type ListQuerySchema<Q extends PageQuery> = z.ZodObject & z.ZodType<Q>;

/** Error responses a route lists besides the usual read or write ones. */
export type ExtraErrors = Partial<typeof errorResponses>;

/** The OpenAPI words of one route. */
type RouteDocs = { summary: string; description?: string; errors?: ExtraErrors };

/** A selector of the module: reads in the caller's scope. */
type Selector<Args extends unknown[], Result> = (
  db: Database,
  scope: TenantScope,
  ...args: Args
) => Promise<Result>;

/** A service of the module: writes in the caller's scope, stamped with the request's meta. */
type Service<Args extends unknown[], Result> = (
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  ...args: Args
) => Promise<Result>;

/**
 * A resource whose rows are `Row`, listed in pages `P` with query `Q`, created from
 * `C` and changed with `U`. Each operation present becomes a route; its `run` is
 * the module's selector or service. The types come from the schemas alone
 * (`NoInfer` on the functions), so a function that takes another body or answers
 * another row than its route declares is a type error here, not a loose inference.
 */
export type CrudResource<
  Row extends { id: string },
  P extends Page<Row>,
  C,
  U,
  Q extends PageQuery,
> = {
  /** The OpenAPI tag its routes are listed under. */
  tag: string;
  /** The collection's path, e.g. `/regions`. */
  path: string;
  /** Nouns of the response descriptions: `{ one: "region", many: "regions" }`. */
  noun: { one: string; many: string };
  row: z.ZodType<Row>;
  page: z.ZodType<P>;
  list?: RouteDocs & {
    query: ListQuerySchema<Q>;
    /** Its rows as objects, or as the JSON texts SQLite wrote (answered as they are). */
    run: Selector<[query: NoInfer<Q>, url: string], NoInfer<P> | TextPage<NoInfer<Row>>>;
  };
  create?: RouteDocs & { body: z.ZodType<C>; run: Service<[input: NoInfer<C>], NoInfer<Row>> };
  /** Its row as an object, or as the JSON text SQLite wrote (answered as it is). */
  get?: RouteDocs & { run: Selector<[id: string], NoInfer<Row> | RowText<NoInfer<Row>>> };
  update?: RouteDocs & {
    body: z.ZodType<U>;
    run: Service<[id: string, input: NoInfer<U>], NoInfer<Row>>;
  };
  remove?: RouteDocs & { run: Service<[id: string], unknown> };
  restore?: RouteDocs & { run: Service<[id: string], NoInfer<Row>> };
};

/** A 200 whose body is JSON text SQLite already wrote (json-rows.ts), sent as it is. */
function jsonText(c: Context<AppEnv>, text: string): Response {
  c.header("Content-Type", "application/json");
  return c.body(text, 200);
}

/**
 * The router of one resource. Its return type is spelled out, as for the client
 * sub-resources: inferring the route schema of a generic router is what makes the
 * type checker give up ("excessively deep"), and the app only needs a router. The
 * handlers are still checked against the schemas: a `run` whose input or answer
 * does not match them fails `deno check` where the module declares its resource.
 */
export function crudRouter<
  Row extends { id: string },
  P extends Page<Row>,
  C,
  U,
  Q extends PageQuery,
>(
  resource: CrudResource<Row, P, C, U, Q>,
): OpenAPIHono<AppEnv> {
  const { noun, row, list, create, get, update, remove, restore } = resource;
  const common = authenticatedRoute(resource.tag);
  const itemPath = `${resource.path}/{id}`;
  const router = createRouter();

  if (list) {
    const route = createRoute({
      ...common,
      method: "get",
      path: resource.path,
      summary: list.summary,
      description: list.description,
      request: { query: list.query },
      responses: {
        200: jsonResponse(resource.page, `A page of ${noun.many}`),
        ...readErrors,
        ...list.errors,
      },
    });
    router.openapi(route, async (c) => {
      const { db } = c.get("deps");
      const page = await list.run(db, tenantScope(c), c.req.valid("query"), c.req.url);
      return isTextPage<Row>(page) ? jsonText(c, pageJson(page)) : c.json(page, 200);
    });
  }
  if (create) {
    const route = createRoute({
      ...common,
      method: "post",
      path: resource.path,
      summary: create.summary,
      description: create.description,
      request: { body: jsonBody(create.body) },
      responses: {
        201: jsonResponse(row, `The new ${noun.one}`),
        ...writeErrors,
        ...create.errors,
      },
    });
    router.openapi(route, async (c) => {
      const { db } = c.get("deps");
      return c.json(
        await create.run(db, tenantScope(c), requestMeta(c), c.req.valid("json")),
        201,
      );
    });
  }
  if (get) {
    const route = createRoute({
      ...common,
      method: "get",
      path: itemPath,
      summary: get.summary,
      description: get.description,
      request: { params: IdParamsSchema },
      responses: { 200: jsonResponse(row, `The ${noun.one}`), ...readErrors, ...get.errors },
    });
    router.openapi(route, async (c) => {
      const { db } = c.get("deps");
      const found = await get.run(db, tenantScope(c), c.req.valid("param").id);
      return typeof found === "string" ? jsonText(c, found) : c.json(found, 200);
    });
  }
  if (update) {
    const route = createRoute({
      ...common,
      method: "patch",
      path: itemPath,
      summary: update.summary,
      description: update.description,
      request: { params: IdParamsSchema, body: jsonBody(update.body) },
      responses: {
        200: jsonResponse(row, `The updated ${noun.one}`),
        ...writeErrors,
        ...update.errors,
      },
    });
    router.openapi(route, async (c) => {
      const { db } = c.get("deps");
      const { id } = c.req.valid("param");
      return c.json(
        await update.run(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
        200,
      );
    });
  }
  if (remove) {
    const route = createRoute({
      ...common,
      method: "delete",
      path: itemPath,
      summary: remove.summary,
      description: remove.description,
      request: { params: IdParamsSchema },
      responses: { 204: { description: "Deleted" }, ...writeErrors, ...remove.errors },
    });
    router.openapi(route, async (c) => {
      const { db } = c.get("deps");
      await remove.run(db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
      return c.body(null, 204);
    });
  }
  if (restore) {
    const route = createRoute({
      ...common,
      method: "post",
      path: `${itemPath}/restore`,
      summary: restore.summary,
      description: restore.description,
      request: { params: IdParamsSchema, body: emptyBody },
      responses: {
        200: jsonResponse(row, `The restored ${noun.one}`),
        ...writeErrors,
        ...restore.errors,
      },
    });
    router.openapi(route, async (c) => {
      const { db } = c.get("deps");
      const id = c.req.valid("param").id;
      return c.json(await restore.run(db, tenantScope(c), requestMeta(c), id), 200);
    });
  }
  return router;
}
