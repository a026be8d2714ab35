/**
 * The `include_deleted` / `only_deleted` list switches (SPEC §4), one rule for
 * every soft-deletable resource: live rows by default, the others for branch_admin
 * and above only.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { isNotNull, isNull, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { requireBranchAdminOrAbove } from "../scope/permissions.ts";
import type { Scope } from "../scope/scope.ts";

const flag = z.enum(["true", "false"]).transform((v) => v === "true").optional();

export const deletedQueryFields = {
  include_deleted: flag.openapi({
    description: "Also list soft-deleted rows (branch_admin and up).",
  }),
  only_deleted: flag.openapi({ description: "List only soft-deleted rows (branch_admin and up)." }),
};

/** The deleted_at condition a list asked for, after checking the caller may ask. */
export function deletedFilter(
  scope: Scope,
  query: { include_deleted?: boolean; only_deleted?: boolean },
  deletedAt: SQLiteColumn,
): SQL | undefined {
  if (query.only_deleted || query.include_deleted) {
    requireBranchAdminOrAbove(scope, "list deleted records");
  }
  if (query.only_deleted) return isNotNull(deletedAt);
  if (query.include_deleted) return undefined;
  return isNull(deletedAt);
}
