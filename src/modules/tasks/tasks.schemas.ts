/** Staff tasks, optionally about a client, with their comment thread. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { TASK_PRIORITIES, TASK_STATUSES, tasks } from "../../db/schema/index.ts";
import { calendarDate, idRef, longText, userFilter } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const TaskCommentSchema = z.object({
  author_id: z.string(),
  body: z.string(),
  at: z.string(),
}).openapi("TaskComment", {
  example: {
    author_id: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    body: "Called the college; the offer letter arrives Friday.",
    at: "2026-03-02T10:15:00.000Z",
  },
});

export const TaskSchema = createSelectSchema(tasks, {
  tags: z.array(z.string()),
  comments: z.array(TaskCommentSchema),
}).openapi("Task", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000060",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    client_id: "0193c0de-0000-7000-8000-000000000020",
    title: "Collect the offer letter",
    detail: "Needed before the COE request.",
    priority: "high",
    status: "in_progress",
    due_date: "2026-03-06",
    assigned_to: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    tags: ["documents", "student"],
    comments: [{
      author_id: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
      body: "Called the college; the offer letter arrives Friday.",
      at: "2026-03-02T10:15:00.000Z",
    }],
    completed_at: null,
    created_at: "2026-03-01T09:00:00.000Z",
    updated_at: "2026-03-02T10:15:00.000Z",
    created_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    updated_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
  },
});
export type Task = z.infer<typeof TaskSchema>;

export const MAX_TAGS = 20;

/** Up to 20 short labels, trimmed; repeats are dropped, first spelling kept in order. */
const tagList = z.array(z.string().trim().min(1).max(40)).max(MAX_TAGS)
  .transform((tags) => [...new Set(tags)])
  .openapi({ example: ["documents", "student"] });

const editable = {
  detail: longText().optional(),
  priority: z.enum(TASK_PRIORITIES).optional().openapi({ description: "Defaults to medium." }),
  status: z.enum(TASK_STATUSES).optional().openapi({
    description: "Defaults to todo. Becoming done sets completed_at; leaving done clears it.",
  }),
  due_date: calendarDate.nullable().optional(),
  tags: tagList.optional(),
  client_id: idRef.nullable().optional().openapi({
    description: "A live client in scope; the assignee must then work in the client's branch.",
  }),
  assigned_to: idRef.nullable().optional().openapi({
    description: "An active user in the writer's scope (who covers the client's branch, if any).",
  }),
};

const title = z.string().trim().min(1).max(200).openapi({ example: "Collect the offer letter" });

export const CreateTaskSchema = z.object({ title, ...editable }).strict().openapi("CreateTask");

export const UpdateTaskSchema = z.object({ title: title.optional(), ...editable }).strict()
  .openapi("UpdateTask");

export const CreateTaskCommentSchema = z.object({
  body: z.string().trim().min(1).max(5000).openapi({
    example: "Called the college; the offer letter arrives Friday.",
  }),
}).strict().openapi("CreateTaskComment");

export const TASK_ORDERING = ["created_at", "updated_at", "due_date"] as const;

export const ListTasksQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(TASK_ORDERING).openapi({
    description: "created_at, updated_at or due_date, `-` for descending (default -created_at). " +
      "Tasks with no due date come last either way.",
  }),
  status: z.enum(TASK_STATUSES).optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  assigned_to: userFilter("The assignee"),
  created_by: userFilter("The creator"),
  client_id: z.string().max(64).optional(),
  due_before: calendarDate.optional().openapi({ description: "Due on or before this date." }),
  due_after: calendarDate.optional().openapi({ description: "Due on or after this date." }),
  tag: z.string().trim().max(40).optional().openapi({ description: "Has this tag (exact)." }),
  search: z.string().max(100).optional().openapi({ description: "Matches title or detail." }),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuerySchema>;

export const TaskPageSchema = pageSchema(TaskSchema, "TaskPage");
