/** /branches: read within scope; written by tenant managers and region managers. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  BranchPageSchema,
  BranchSchema,
  CreateBranchSchema,
  ListBranchesQuerySchema,
  UpdateBranchSchema,
} from "./branches.schemas.ts";
import { getBranch, listBranches } from "./branches.selectors.ts";
import { createBranch, deleteBranch, restoreBranch, updateBranch } from "./branches.services.ts";

export const branchesRouter = crudRouter({
  tag: "Branches",
  path: "/branches",
  noun: { one: "branch", many: "branches" },
  row: BranchSchema,
  page: BranchPageSchema,
  list: { summary: "List branches in scope", query: ListBranchesQuerySchema, run: listBranches },
  create: {
    summary: "Create a branch (super_admin, country_manager; region_manager in its region)",
    body: CreateBranchSchema,
    run: createBranch,
  },
  get: { summary: "One live branch", run: getBranch },
  update: { summary: "Change or move a branch", body: UpdateBranchSchema, run: updateBranch },
  remove: { summary: "Soft-delete a branch with no active users", run: deleteBranch },
  restore: { summary: "Restore a soft-deleted branch", run: restoreBranch },
});
