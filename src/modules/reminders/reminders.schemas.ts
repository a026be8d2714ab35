/** Reminders: dated prompts about a client for a member of staff. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { reminders } from "../../db/schema/index.ts";
import { calendarDate, idRef, queryBoolean, userFilter } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const ReminderSchema = createSelectSchema(reminders).openapi("Reminder", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000070",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    client_id: "0193c0de-0000-7000-8000-000000000020",
    date: "2026-04-15",
    message: "Ask for the updated bank statement.",
    assigned_to: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    done: false,
    done_at: null,
    created_at: "2026-04-01T09:00:00.000Z",
    updated_at: "2026-04-01T09:00:00.000Z",
    created_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    updated_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
  },
});
export type Reminder = z.infer<typeof ReminderSchema>;

const editable = {
  date: calendarDate,
  message: z.string().trim().min(1).max(2000).openapi({
    example: "Ask for the updated bank statement.",
  }),
  assigned_to: idRef.nullable().optional().openapi({
    description: "An active user in the writer's scope who works in the client's branch. " +
      "On create, defaults to the caller when the caller covers that branch, else none.",
  }),
  done: z.boolean().optional().openapi({
    description: "true sets done_at to now; false clears it.",
  }),
};

export const CreateReminderSchema = z.object({
  client_id: idRef.openapi({ description: "A live client in scope." }),
  ...editable,
}).strict().openapi("CreateReminder");

export const UpdateReminderSchema = z.object(editable).partial().strict().openapi(
  "UpdateReminder",
  { description: "The client of a reminder does not change." },
);

export const REMINDER_ORDERING = ["date", "created_at"] as const;

export const ListRemindersQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(REMINDER_ORDERING).openapi({
    description: "date or created_at, `-` for descending (default date, soonest first).",
    example: "date",
  }),
  done: queryBoolean.optional(),
  assigned_to: userFilter("The assignee"),
  client_id: z.string().max(64).optional(),
  date_before: calendarDate.optional().openapi({ description: "On or before this date." }),
  date_after: calendarDate.optional().openapi({ description: "On or after this date." }),
});
export type ListRemindersQuery = z.infer<typeof ListRemindersQuerySchema>;

export const ReminderPageSchema = pageSchema(ReminderSchema, "ReminderPage");
