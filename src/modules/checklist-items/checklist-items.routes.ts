/**
 * /visa-applications/{id}/documents and /applications/{id}/documents: a case's
 * document checklist. A case unknown or out of scope answers 404; an item of
 * another case answers 404 under this one's URL.
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/context.ts";
import { tenantScope } from "../../auth/middleware.ts";
import { authenticatedRoute } from "../../lib/crud-routes.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import { createRouter, jsonBody, jsonResponse, readErrors, writeErrors } from "../../lib/router.ts";
import {
  ApplicationParamsSchema,
  ChecklistItemPageSchema,
  ChecklistItemSchema,
  CreateChecklistItemSchema,
  ItemParamsSchema,
  ListChecklistItemsQuerySchema,
  UpdateChecklistItemSchema,
} from "./checklist-items.schemas.ts";
import { type CaseRef, getChecklistItem, listChecklistItems } from "./checklist-items.selectors.ts";
import {
  createChecklistItem,
  deleteChecklistItem,
  updateChecklistItem,
} from "./checklist-items.services.ts";

const common = authenticatedRoute("Document checklists");

/** The five checklist routes under one kind of case (`/visa-applications` or `/applications`). */
function checklistRoutes(base: string, kind: CaseRef["kind"]): OpenAPIHono<AppEnv> {
  const listPath = `${base}/{id}/documents`;
  const itemPath = `${listPath}/{item_id}`;
  const what = kind === "visa_application" ? "a visa application's" : "an application's";
  const list = createRoute({
    ...common,
    method: "get",
    path: listPath,
    summary: `${what[0].toUpperCase()}${what.slice(1)} document checklist`,
    description: kind === "visa_application"
      ? "Started from the visa type's checklist when the application was created, plus items " +
        "added by hand; in checklist order unless `ordering` says otherwise."
      : "Items added by hand; in checklist order unless `ordering` says otherwise.",
    request: { params: ApplicationParamsSchema, query: ListChecklistItemsQuerySchema },
    responses: { 200: jsonResponse(ChecklistItemPageSchema, "A page of items"), ...readErrors },
  });
  const create = createRoute({
    ...common,
    method: "post",
    path: listPath,
    summary: `Request another document for ${what.replace("'s", "")}`,
    request: { params: ApplicationParamsSchema, body: jsonBody(CreateChecklistItemSchema) },
    responses: { 201: jsonResponse(ChecklistItemSchema, "The new item"), ...writeErrors },
  });
  const getOne = createRoute({
    ...common,
    method: "get",
    path: itemPath,
    summary: `One item of ${what} checklist`,
    request: { params: ItemParamsSchema },
    responses: { 200: jsonResponse(ChecklistItemSchema, "The item"), ...readErrors },
  });
  const patch = createRoute({
    ...common,
    method: "patch",
    path: itemPath,
    summary: `Change an item of ${what} checklist or move its status`,
    description: "A move outside the status machine is 409 `invalid_transition` with the allowed " +
      "next statuses in `details.allowed`; rejecting needs a `rejection_reason`.",
    request: { params: ItemParamsSchema, body: jsonBody(UpdateChecklistItemSchema) },
    responses: { 200: jsonResponse(ChecklistItemSchema, "The updated item"), ...writeErrors },
  });
  const remove = createRoute({
    ...common,
    method: "delete",
    path: itemPath,
    summary: `Remove an item from ${what} checklist (branch_admin and up)`,
    request: { params: ItemParamsSchema },
    responses: { 204: { description: "Deleted" }, ...writeErrors },
  });
  const ref = (id: string): CaseRef => ({ kind, id });

  return createRouter()
    .openapi(list, async (c) => {
      const { id } = c.req.valid("param");
      const page = await listChecklistItems(
        c.get("deps").db,
        tenantScope(c),
        ref(id),
        c.req.valid("query"),
        c.req.url,
      );
      return c.json(page, 200);
    })
    .openapi(create, async (c) => {
      const { id } = c.req.valid("param");
      const item = await createChecklistItem(
        c.get("deps").db,
        tenantScope(c),
        requestMeta(c),
        ref(id),
        c.req.valid("json"),
      );
      return c.json(item, 201);
    })
    .openapi(getOne, async (c) => {
      const { id, item_id } = c.req.valid("param");
      const item = await getChecklistItem(c.get("deps").db, tenantScope(c), ref(id), item_id);
      return c.json(item, 200);
    })
    .openapi(patch, async (c) => {
      const { id, item_id } = c.req.valid("param");
      const item = await updateChecklistItem(
        c.get("deps").db,
        tenantScope(c),
        requestMeta(c),
        ref(id),
        item_id,
        c.req.valid("json"),
      );
      return c.json(item, 200);
    })
    .openapi(remove, async (c) => {
      const { id, item_id } = c.req.valid("param");
      await deleteChecklistItem(c.get("deps").db, tenantScope(c), requestMeta(c), ref(id), item_id);
      return c.body(null, 204);
    });
}

export const checklistItemsRouter = createRouter()
  .route("/", checklistRoutes("/visa-applications", "visa_application"))
  .route("/", checklistRoutes("/applications", "application"));
