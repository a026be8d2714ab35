/**
 * Soft delete, one way for every soft-deletable resource: the `include_deleted` /
 * `only_deleted` list switches (SPEC §4: live rows by default, the others for
 * branch_admin and above only) and the delete/restore batch steps.
 * @module
 */
import { eq, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { auditStatement } from "../audit/audit.ts";
import { type BatchStep, rowExists } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import { requireBranchAdminOrAbove } from "../scope/permissions.ts";
import type { Scope, TenantScope } from "../scope/scope.ts";
import { entityNotFound } from "./errors.ts";
import { queryBoolean } from "./fields.ts";
import type { RequestMeta } from "./request-meta.ts";

const flag = queryBoolean.optional();

export const deletedQueryFields = {
  include_deleted: flag.openapi({
    description: "Also list soft-deleted rows (branch_admin and up).",
  }),
  only_deleted: flag.openapi({ description: "List only soft-deleted rows (branch_admin and up)." }),
};

type DeletedQuery = { include_deleted?: boolean; only_deleted?: boolean };

/** Refuses a list of deleted rows to a caller below branch_admin (403). */
export function requireDeletedListRights(scope: Scope, query: DeletedQuery): void {
  if (query.only_deleted || query.include_deleted) {
    requireBranchAdminOrAbove(scope, "list deleted records");
  }
}

/** The deleted_at condition a list asked for; the caller has checked the rights. */
export function deletedCondition(query: DeletedQuery, deletedAt: SQLiteColumn): SQL | undefined {
  if (query.only_deleted) return isNotNull(deletedAt);
  if (query.include_deleted) return undefined;
  return isNull(deletedAt);
}

/** The deleted_at condition a list asked for, after checking the caller may ask. */
export function deletedFilter(
  scope: Scope,
  query: DeletedQuery,
  deletedAt: SQLiteColumn,
): SQL | undefined {
  requireDeletedListRights(scope, query);
  return deletedCondition(query, deletedAt);
}

/** A table that can be soft-deleted. */
export type SoftDeletable = SQLiteTable & {
  id: SQLiteColumn;
  deleted_at: SQLiteColumn;
  deleted_by: SQLiteColumn;
  updated_at: SQLiteColumn;
  updated_by: SQLiteColumn;
};

/** The columns a soft delete or restore writes, present on every soft-deletable row. */
type SoftDeleteStamps = {
  id: string;
  deleted_at: string | null;
  deleted_by: string | null;
  updated_at: string;
  updated_by: string | null;
};

/**
 * The batch steps that soft-delete (`deleted: true`) or restore `before`, with its
 * audit entry, and the row as they leave it (what a delete or restore answers).
 * One statement shape for every soft-deletable table.
 */
export function softDeleteSteps<Row extends SoftDeleteStamps>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: { table: SoftDeletable; entityType: string; before: Row },
  deleted: boolean,
): { row: Row; steps: BatchStep[] } {
  const { table, before } = target;
  const now = meta.now.toISOString();
  const actor = scope.actor.userId;
  const stamps = {
    deleted_at: deleted ? now : null,
    deleted_by: deleted ? actor : null,
    updated_at: now,
    updated_by: actor,
  };
  return {
    row: { ...before, ...stamps },
    steps: [
      // The state the request read must still hold: a racing delete or restore is a
      // 404 for the second one, not a second audit entry.
      rowExists(
        table,
        before.id,
        entityNotFound(target.entityType),
        deleted ? isNull(table.deleted_at) : isNotNull(table.deleted_at),
      ),
      // A query builder, not db.run(sql): drizzle's D1 batch cannot bind a raw statement's params.
      db.update(table).set(stamps).where(eq(table.id, before.id)),
      auditStatement(db, scope.actor, meta, {
        tenantId: scope.tenantId,
        action: deleted ? "delete" : "restore",
        entityType: target.entityType,
        entityId: before.id,
        before: { deleted_at: before.deleted_at },
        after: { deleted_at: stamps.deleted_at },
      }),
    ],
  };
}
