/** /reminders: reminders of clients in scope; every role writes them, branch_admin and up delete. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  CreateReminderSchema,
  ListRemindersQuerySchema,
  ReminderPageSchema,
  ReminderSchema,
  UpdateReminderSchema,
} from "./reminders.schemas.ts";
import { getReminder, listReminders } from "./reminders.selectors.ts";
import { createReminder, deleteReminder, updateReminder } from "./reminders.services.ts";

export const remindersRouter = crudRouter({
  tag: "Reminders",
  path: "/reminders",
  noun: { one: "reminder", many: "reminders" },
  row: ReminderSchema,
  page: ReminderPageSchema,
  list: {
    summary: "List reminders of clients in scope",
    description: "Soonest first by default; filters combine with AND.",
    query: ListRemindersQuerySchema,
    run: listReminders,
  },
  create: {
    summary: "Create a reminder about a client",
    body: CreateReminderSchema,
    run: createReminder,
  },
  get: { summary: "One reminder", run: getReminder },
  update: {
    summary: "Change a reminder or mark it done",
    body: UpdateReminderSchema,
    run: updateReminder,
  },
  remove: { summary: "Delete a reminder for good (branch_admin and up)", run: deleteReminder },
});
