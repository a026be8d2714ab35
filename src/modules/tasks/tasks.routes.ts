/** /tasks: every role reads, writes and comments on the tasks it sees; branch_admin and up delete. @module */
import { createRoute } from "@hono/zod-openapi";
import { tenantScope } from "../../auth/middleware.ts";
import { authenticatedRoute, crudRouter } from "../../lib/crud-routes.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import { IdParamsSchema, jsonBody, jsonResponse, writeErrors } from "../../lib/router.ts";
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

const tag = "Tasks";
const visibility = "A task is visible to its creator, its assignee, and whoever's scope holds " +
  "the assignee's branch or the linked client's branch; a soft-deleted client hides its tasks.";

const comment = createRoute({
  ...authenticatedRoute(tag),
  method: "post",
  path: "/tasks/{id}/comments",
  summary: "Add a comment to a task",
  description: "Anyone who sees the task may comment; the comment is signed with the caller " +
    "and the time. Audited with action `comment`.",
  request: { params: IdParamsSchema, body: jsonBody(CreateTaskCommentSchema) },
  responses: { 201: jsonResponse(TaskSchema, "The task with the new comment"), ...writeErrors },
});

export const tasksRouter = crudRouter({
  tag,
  path: "/tasks",
  noun: { one: "task", many: "tasks" },
  row: TaskSchema,
  page: TaskPageSchema,
  list: {
    summary: "List the tasks the caller sees",
    description: `${visibility} Newest first by default; filters combine with AND.`,
    query: ListTasksQuerySchema,
    run: listTasks,
  },
  create: { summary: "Create a task", body: CreateTaskSchema, run: createTask },
  get: { summary: "One task", description: visibility, run: getTask },
  update: {
    summary: "Change a task: fields, status, assignee or client link",
    description: "Comments are read-only here; add one with POST /tasks/{id}/comments.",
    body: UpdateTaskSchema,
    run: updateTask,
  },
  remove: { summary: "Delete a task for good (branch_admin and up)", run: deleteTask },
}).openapi(comment, async (c) => {
  const { db } = c.get("deps");
  const id = c.req.valid("param").id;
  return c.json(
    await addTaskComment(db, tenantScope(c), requestMeta(c), id, c.req.valid("json")),
    201,
  );
});
