/**
 * The batch steps that delete a row for good, with its audit entry holding the
 * whole row as `before`. For records that are not soft-deletable (SPEC §3):
 * regions, reference data, draft applications. Callers put their own guards
 * (not in use, still a draft, …) in front of these steps.
 * @module
 */
import { eq } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { auditStatement } from "../audit/audit.ts";
import { rowExists } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import { entityNotFound } from "./errors.ts";
import type { TenantScope } from "../scope/scope.ts";
import type { RequestMeta } from "./request-meta.ts";

/** The delete and its audit entry, guarded so a racing second delete is a 404, not a second entry. */
export function hardDeleteSteps(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: { table: SQLiteTable & { id: SQLiteColumn }; entityType: string; before: { id: string } },
) {
  const { table, before } = target;
  return [
    rowExists(table, before.id, entityNotFound(target.entityType)),
    db.delete(table).where(eq(table.id, before.id)),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "delete",
      entityType: target.entityType,
      entityId: before.id,
      before,
    }),
  ];
}
