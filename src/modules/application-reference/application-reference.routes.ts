/** /application-types and /application-stages: read by the whole tenant, written by its managers. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import { createRouter } from "../../lib/router.ts";
import {
  ApplicationStagePageSchema,
  ApplicationStageSchema,
  ApplicationTypePageSchema,
  ApplicationTypeSchema,
  CreateApplicationStageSchema,
  CreateApplicationTypeSchema,
  ListApplicationStagesQuerySchema,
  ListApplicationTypesQuerySchema,
  UpdateApplicationStageSchema,
  UpdateApplicationTypeSchema,
} from "./application-reference.schemas.ts";
import {
  getApplicationStage,
  getApplicationType,
  listApplicationStages,
  listApplicationTypes,
} from "./application-reference.selectors.ts";
import {
  createApplicationStage,
  createApplicationType,
  deleteApplicationStage,
  deleteApplicationType,
  updateApplicationStage,
  updateApplicationType,
} from "./application-reference.services.ts";

const tag = "Application reference data";
const managers = "(super_admin, country_manager)";

const typesRouter = crudRouter({
  tag,
  path: "/application-types",
  noun: { one: "type", many: "application types" },
  row: ApplicationTypeSchema,
  page: ApplicationTypePageSchema,
  list: {
    summary: "List application types",
    query: ListApplicationTypesQuerySchema,
    run: listApplicationTypes,
  },
  create: {
    summary: `Create an application type ${managers}`,
    body: CreateApplicationTypeSchema,
    run: createApplicationType,
  },
  get: {
    summary: "One application type",
    description: "Its stages are listed by `GET /application-stages?application_type_id=`.",
    run: getApplicationType,
  },
  update: {
    summary: `Change an application type ${managers}`,
    body: UpdateApplicationTypeSchema,
    run: updateApplicationType,
  },
  remove: {
    summary: `Delete an application type without stages or applications ${managers}`,
    description: "409 `application_type_in_use` while applications use it, " +
      "409 `application_type_has_stages` while it has stages.",
    run: deleteApplicationType,
  },
});

const stagesRouter = crudRouter({
  tag,
  path: "/application-stages",
  noun: { one: "stage", many: "application stages" },
  row: ApplicationStageSchema,
  page: ApplicationStagePageSchema,
  list: {
    summary: "List application stages (by type, then position)",
    query: ListApplicationStagesQuerySchema,
    run: listApplicationStages,
  },
  create: {
    summary: `Add a stage to an application type ${managers}`,
    description: "Stage names are unique per type (409 `stage_name_taken`).",
    body: CreateApplicationStageSchema,
    run: createApplicationStage,
  },
  get: { summary: "One application stage", run: getApplicationStage },
  update: {
    summary: `Rename, reorder or describe a stage ${managers}`,
    body: UpdateApplicationStageSchema,
    run: updateApplicationStage,
  },
  remove: {
    summary: `Delete a stage no application is at ${managers}`,
    description: "409 `application_stage_in_use` while an application is at it.",
    run: deleteApplicationStage,
  },
});

export const applicationReferenceRouter = createRouter()
  .route("/", typesRouter)
  .route("/", stagesRouter);
