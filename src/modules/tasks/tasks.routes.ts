/** /tasks: every role reads, writes and comments on the tasks it sees; branch_admin and up delete. @module */
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
  CreateTaskCommentSchema,
  CreateTaskSchema,
  ListTasksQuerySchema,
  TaskPageSchema,
  TaskSchema,
  UpdateTaskSchema,
} from "./tasks.schemas.ts";
import { getTask, listTasks } from "./tasks.selectors.ts";
import { addTaskComment, createTask, deleteTask, updateTask } from "./tasks.services.ts";

const common = { tags: ["Tasks"], security: bearerSecurity, middleware: requireAuth() };

const visibility = "A task is visible to its creator, its assignee, and whoever's scope holds " +
  "the assignee's branch or the linked client's branch; a soft-deleted client hides its tasks.";

const list = createRoute({
  ...common,
  method: "get",
  path: "/tasks",
  summary: "List the tasks the caller sees",
  description: `${visibility} Newest first by default; filters combine with AND.`,
  request: { query: ListTasksQuerySchema },
  responses: { 200: jsonResponse(TaskPageSchema, "A page of tasks"), ...readErrors },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/tasks",
  summary: "Create a task",
  request: { body: jsonBody(CreateTaskSchema) },
  responses: { 201: jsonResponse(TaskSchema, "The new task"), ...writeErrors },
});
const getOne = createRoute({
  ...common,
  method: "get",
  path: "/tasks/{id}",
  summary: "One task",
  description: visibility,
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(TaskSchema, "The task"), ...readErrors },
});
const patch = createRoute({
  ...common,
  method: "patch",
  path: "/tasks/{id}",
  summary: "Change a task: fields, status, assignee or client link",
  description: "Comments are read-only here; add one with POST /tasks/{id}/comments.",
  request: { params: IdParamsSchema, body: jsonBody(UpdateTaskSchema) },
  responses: { 200: jsonResponse(TaskSchema, "The updated task"), ...writeErrors },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/tasks/{id}",
  summary: "Delete a task for good (branch_admin and up)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});
const comment = createRoute({
  ...common,
  method: "post",
  path: "/tasks/{id}/comments",
  summary: "Add a comment to a task",
  description: "Anyone who sees the task may comment; the comment is signed with the caller " +
    "and the time. Audited with action `comment`.",
  request: { params: IdParamsSchema, body: jsonBody(CreateTaskCommentSchema) },
  responses: { 201: jsonResponse(TaskSchema, "The task with the new comment"), ...writeErrors },
});

export const tasksRouter = createRouter()
  .openapi(list, async (c) => {
    const { db } = c.get("deps");
    return c.json(await listTasks(db, tenantScope(c), c.req.valid("query"), c.req.url), 200);
  })
  .openapi(create, async (c) => {
    const { db } = c.get("deps");
    return c.json(await createTask(db, tenantScope(c), requestMeta(c), c.req.valid("json")), 201);
  })
  .openapi(getOne, async (c) => {
    return c.json(await getTask(c.get("deps").db, tenantScope(c), c.req.valid("param").id), 200);
  })
  .openapi(patch, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await updateTask(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      200,
    );
  })
  .openapi(remove, async (c) => {
    await deleteTask(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(comment, async (c) => {
    const { db } = c.get("deps");
    const id = c.req.valid("param").id;
    return c.json(
      await addTaskComment(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
      201,
    );
  });
