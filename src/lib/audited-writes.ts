/**
 * The batch steps of a plain insert or update with its audit entry, so a service
 * only adds its own guards around them (deletes: hard-delete.ts, soft-delete.ts).
 * @module
 */
import { eq, isNull } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { auditStatement, changedFields } from "../audit/audit.ts";
import { type BatchStep, rowExists } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import type { TenantScope } from "../scope/scope.ts";
import { entityNotFound } from "./errors.ts";
import type { RequestMeta } from "./request-meta.ts";

/** A tenant table whose rows are addressed by id. */
export type TenantTable = SQLiteTable & { id: SQLiteColumn; tenant_id: SQLiteColumn };

/** The lifecycle stamps of a row the caller creates now. */
export function creationStamps(scope: TenantScope, meta: RequestMeta) {
  const now = meta.now.toISOString();
  return {
    created_at: now,
    updated_at: now,
    created_by: scope.actor.userId,
    updated_by: scope.actor.userId,
  };
}

/** The insert of a new row and its `create` audit entry (the whole row as `after`). */
export function insertSteps<T extends TenantTable>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: { table: T; entityType: string; row: T["$inferInsert"] & { id: string } },
): BatchStep[] {
  return [
    db.insert(target.table).values(target.row),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "create",
      entityType: target.entityType,
      entityId: target.row.id,
      after: target.row,
    }),
  ];
}

/**
 * An update of `before` into `after`: the row after the change (stamped) and the
 * steps that write only the changed fields, with their before/after in the audit
 * entry. No steps when nothing but bookkeeping would change: such a PATCH writes
 * nothing. Writing only what changed also leaves a racing edit of other fields alone,
 * and a guard makes an edit racing a delete (or a soft delete) a 404 rather than an
 * audited change of nothing, or of a row that should stay deleted.
 */
export function updateSteps<T extends TenantTable, Row extends { id: string }>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: { table: T; entityType: string; before: Row; after: Row },
): { row: Row; steps: BatchStep[] } {
  const { table, before } = target;
  const diff = changedFields(before, target.after);
  if (Object.keys(diff.after).length === 0) return { row: before, steps: [] };
  const stamps = { updated_at: meta.now.toISOString(), updated_by: scope.actor.userId };
  const changes = { ...diff.after, ...stamps } as Partial<T["$inferInsert"]>;
  return {
    row: { ...target.after, ...stamps },
    steps: [
      rowExists(
        table,
        before.id,
        entityNotFound(target.entityType),
        "deleted_at" in table ? isNull(table.deleted_at as SQLiteColumn) : undefined,
      ),
      db.update(table).set(changes).where(eq(table.id, before.id)),
      auditStatement(db, scope.actor, meta, {
        tenantId: scope.tenantId,
        action: "update",
        entityType: target.entityType,
        entityId: before.id,
        ...diff,
      }),
    ],
  };
}
