/** /regions: read by the whole tenant within scope, written by tenant managers. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  CreateRegionSchema,
  ListRegionsQuerySchema,
  RegionPageSchema,
  RegionSchema,
  UpdateRegionSchema,
} from "./regions.schemas.ts";
import { getRegion, listRegions } from "./regions.selectors.ts";
import { createRegion, deleteRegion, updateRegion } from "./regions.services.ts";

const managers = "(super_admin, country_manager)";

export const regionsRouter = crudRouter({
  tag: "Regions",
  path: "/regions",
  noun: { one: "region", many: "regions" },
  row: RegionSchema,
  page: RegionPageSchema,
  list: { summary: "List regions in scope", query: ListRegionsQuerySchema, run: listRegions },
  create: {
    summary: `Create a region ${managers}`,
    body: CreateRegionSchema,
    run: createRegion,
  },
  get: { summary: "One region", run: getRegion },
  update: {
    summary: `Change a region ${managers}`,
    body: UpdateRegionSchema,
    run: updateRegion,
  },
  remove: { summary: `Delete an empty region ${managers}`, run: deleteRegion },
});
