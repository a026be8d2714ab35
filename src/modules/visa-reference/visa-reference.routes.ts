/** /visa-categories and /visa-types: read by the whole tenant, written by its managers. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import { createRouter } from "../../lib/router.ts";
import {
  CreateVisaCategorySchema,
  CreateVisaTypeSchema,
  ListVisaCategoriesQuerySchema,
  ListVisaTypesQuerySchema,
  UpdateVisaCategorySchema,
  UpdateVisaTypeSchema,
  VisaCategoryPageSchema,
  VisaCategorySchema,
  VisaTypePageSchema,
  VisaTypeSchema,
} from "./visa-reference.schemas.ts";
import {
  getVisaCategory,
  getVisaType,
  listVisaCategories,
  listVisaTypes,
} from "./visa-reference.selectors.ts";
import {
  createVisaCategory,
  createVisaType,
  deleteVisaCategory,
  deleteVisaType,
  updateVisaCategory,
  updateVisaType,
} from "./visa-reference.services.ts";

const tag = "Visa reference data";
const managers = "(super_admin, country_manager)";

const categoriesRouter = crudRouter({
  tag,
  path: "/visa-categories",
  noun: { one: "category", many: "visa categories" },
  row: VisaCategorySchema,
  page: VisaCategoryPageSchema,
  list: {
    summary: "List visa categories",
    query: ListVisaCategoriesQuerySchema,
    run: listVisaCategories,
  },
  create: {
    summary: `Create a visa category ${managers}`,
    body: CreateVisaCategorySchema,
    run: createVisaCategory,
  },
  get: { summary: "One visa category", run: getVisaCategory },
  update: {
    summary: `Change a visa category ${managers}`,
    body: UpdateVisaCategorySchema,
    run: updateVisaCategory,
  },
  remove: { summary: `Delete a visa category without types ${managers}`, run: deleteVisaCategory },
});

const typesRouter = crudRouter({
  tag,
  path: "/visa-types",
  noun: { one: "visa type", many: "visa types" },
  row: VisaTypeSchema,
  page: VisaTypePageSchema,
  list: { summary: "List visa types", query: ListVisaTypesQuerySchema, run: listVisaTypes },
  create: {
    summary: `Create a visa type ${managers}`,
    body: CreateVisaTypeSchema,
    run: createVisaType,
  },
  get: { summary: "One visa type", run: getVisaType },
  update: {
    summary: `Change a visa type ${managers}`,
    body: UpdateVisaTypeSchema,
    run: updateVisaType,
  },
  remove: {
    summary: `Delete a visa type no application uses ${managers}`,
    run: deleteVisaType,
  },
});

export const visaReferenceRouter = createRouter()
  .route("/", categoriesRouter)
  .route("/", typesRouter);
