/** /reminders: reminders of clients in scope; every role writes them, branch_admin and up delete. @module */
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
  CreateReminderSchema,
  ListRemindersQuerySchema,
  ReminderPageSchema,
  ReminderSchema,
  UpdateReminderSchema,
} from "./reminders.schemas.ts";
import { getReminder, listReminders } from "./reminders.selectors.ts";
import { createReminder, deleteReminder, updateReminder } from "./reminders.services.ts";

const common = { tags: ["Reminders"], security: bearerSecurity, middleware: requireAuth() };

const list = createRoute({
  ...common,
  method: "get",
  path: "/reminders",
  summary: "List reminders of clients in scope",
  description: "Soonest first by default; filters combine with AND.",
  request: { query: ListRemindersQuerySchema },
  responses: { 200: jsonResponse(ReminderPageSchema, "A page of reminders"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/reminders",
  summary: "Create a reminder about a client",
  request: { body: jsonBody(CreateReminderSchema) },
  responses: { 201: jsonResponse(ReminderSchema, "The new reminder"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/reminders/{id}",
  summary: "One reminder",
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(ReminderSchema, "The reminder"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/reminders/{id}",
  summary: "Change a reminder or mark it done",
  request: { params: IdParamsSchema, body: jsonBody(UpdateReminderSchema) },
  responses: { 200: jsonResponse(ReminderSchema, "The updated reminder"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/reminders/{id}",
  summary: "Delete a reminder for good (branch_admin and up)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

export const remindersRouter = createRouter()
  .openapi(list, async (c) => {
    const { db } = c.get("deps");
    return c.json(await listReminders(db, tenantScope(c), c.req.valid("query"), c.req.url), 200);
  })
  .openapi(create, async (c) => {
    const { db } = c.get("deps");
    return c.json(
      await createReminder(db, tenantScope(c), requestMeta(c), c.req.valid("json")),
      201,
    );
  })
  .openapi(getOne, async (c) => {
    return c.json(
      await getReminder(c.get("deps").db, tenantScope(c), c.req.valid("param").id),
      200,
    );
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateReminder(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(remove, async (c) => {
    await deleteReminder(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
