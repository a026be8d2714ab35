/** /applications: study and other applications of clients in scope. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  ApplicationPageSchema,
  ApplicationSchema,
  CreateApplicationSchema,
  ListApplicationsQuerySchema,
  UpdateApplicationSchema,
} from "./applications.schemas.ts";
import { getApplication, listApplications } from "./applications.selectors.ts";
import {
  createApplication,
  deleteApplication,
  updateApplication,
} from "./applications.services.ts";

export const applicationsRouter = crudRouter({
  tag: "Applications",
  path: "/applications",
  noun: { one: "application", many: "applications" },
  row: ApplicationSchema,
  page: ApplicationPageSchema,
  list: {
    summary: "List applications of clients in scope",
    query: ListApplicationsQuerySchema,
    run: listApplications,
  },
  create: {
    summary: "Start an application (at the type's first stage unless stage_id names another)",
    description: "A stage of another type is 422 on `stage_id`.",
    body: CreateApplicationSchema,
    run: createApplication,
  },
  get: { summary: "One application", run: getApplication },
  update: {
    summary: "Change an application or move it to another stage or status",
    description: "The stage must be one of the application's type (after a type change in the " +
      "same request, the new type's); a new type alone resets the stage to its first. A move " +
      "that races another is 409 `conflict`.",
    body: UpdateApplicationSchema,
    run: updateApplication,
  },
  remove: { summary: "Delete an application (branch_admin and up)", run: deleteApplication },
});
