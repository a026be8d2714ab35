/** /visa-applications: applications of clients in scope, with their status machine. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  CreateVisaApplicationSchema,
  ListVisaApplicationsQuerySchema,
  UpdateVisaApplicationSchema,
  VisaApplicationPageSchema,
  VisaApplicationSchema,
} from "./visa-applications.schemas.ts";
import { getVisaApplication, listVisaApplications } from "./visa-applications.selectors.ts";
import {
  createVisaApplication,
  deleteVisaApplication,
  updateVisaApplication,
} from "./visa-applications.services.ts";

export const visaApplicationsRouter = crudRouter({
  tag: "Visa applications",
  path: "/visa-applications",
  noun: { one: "application", many: "visa applications" },
  row: VisaApplicationSchema,
  page: VisaApplicationPageSchema,
  list: {
    summary: "List visa applications of clients in scope",
    query: ListVisaApplicationsQuerySchema,
    run: listVisaApplications,
  },
  create: {
    summary: "Start a visa application (status draft)",
    body: CreateVisaApplicationSchema,
    run: createVisaApplication,
  },
  get: { summary: "One visa application", run: getVisaApplication },
  update: {
    summary: "Change an application or move its status",
    description:
      "A move outside the status machine is 409 `invalid_transition` with the allowed next statuses " +
      "in `details.allowed`.",
    body: UpdateVisaApplicationSchema,
    run: updateVisaApplication,
  },
  remove: {
    summary: "Delete a draft application (branch_admin and up)",
    run: deleteVisaApplication,
  },
});
