/**
 * Tenant reference data (visa categories and types, application types and stages):
 * the whole tenant reads it, super_admin and country_manager write it (SPEC §2).
 * The field rules, reads, checks and writes every reference resource shares;
 * another tenant's row is a 404 like an unknown one.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { and, eq, type SQL } from "drizzle-orm";
import { type BatchStep, type Guard, runBatch, type UniqueConflicts } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import { referenceInScope } from "../scope/filters.ts";
import { requireTenantManager } from "../scope/permissions.ts";
import type { Scope, TenantScope } from "../scope/scope.ts";
import { insertSteps, type TenantTable, updateSteps } from "./audited-writes.ts";
import { ApiError, notFound } from "./errors.ts";
import { hardDeleteSteps } from "./hard-delete.ts";
import { isUuid } from "./ids.ts";
import { countOf, type Ordering, type PageQuery, paginate } from "./pagination.ts";
import type { RequestMeta } from "./request-meta.ts";

/** A reference row's display name. */
export const referenceName = z.string().trim().min(1).max(200);

/** A short code, unique per tenant, stored upper-case. */
export const referenceCode = z.string().trim().toUpperCase().regex(
  /^[A-Z0-9._-]{1,32}$/,
  "Letters, digits, . _ - (max 32).",
);

/** A reference row's free-text description. */
export const referenceDescription = z.string().max(2000);

/** `search=` of a reference list. */
export const referenceSearch = z.string().max(100).optional().openapi({
  description: "Matches name or code.",
});

/** Lifecycle fields of the schema examples. */
export const exampleStamps = {
  created_at: "2026-01-10T09:00:00.000Z",
  updated_at: "2026-01-10T09:00:00.000Z",
  created_by: null,
  updated_by: null,
};

/** The 409 of a code another row of the tenant already has. */
export function codeTaken(what: string): ApiError {
  return new ApiError(409, "code_taken", `This agency already has a ${what} with that code.`);
}

/** 403 unless the caller may write reference data. */
export function requireReferenceWriter(scope: Scope): void {
  requireTenantManager(scope, "manage reference data");
}

/** One reference row of the caller's tenant, or 404 named after `entity`. */
export async function getReferenceRow<T extends TenantTable>(
  db: Database,
  scope: TenantScope,
  table: T,
  entity: string,
  id: string,
): Promise<T["$inferSelect"]> {
  if (!isUuid(id)) throw notFound(entity);
  const [row] = await db.select().from(table as TenantTable).where(
    and(referenceInScope(scope, table.tenant_id), eq(table.id, id)),
  );
  if (!row) throw notFound(entity);
  return row;
}

/** A page of the tenant's rows of a reference table, narrowed by `filters`. */
export function listReferenceRows<T extends TenantTable>(
  db: Database,
  scope: TenantScope,
  source: { table: T; ordering: Ordering; filters: (SQL | undefined)[] },
  query: PageQuery,
  url: string,
) {
  const { table } = source;
  const where = and(referenceInScope(scope, table.tenant_id), ...source.filters);
  type Row = T["$inferSelect"] & { id: string };
  return paginate(url, query, source.ordering, {
    rows: async (seek, orderBy, limit, offset) =>
      (await db.select().from(table as TenantTable).where(and(where, seek)).orderBy(...orderBy)
        .limit(limit).offset(offset)) as Row[],
    ...countOf(db, table, where),
  });
}

/** Where the writes of one reference resource go. */
export type ReferenceTarget<T extends TenantTable, Row extends { id: string }> = {
  table: T;
  /** The audit log's entity_type. */
  entityType: string;
  /** The row of the caller's tenant, or 404 (the module's selector). */
  get: (db: Database, scope: TenantScope, id: string) => Promise<Row>;
  /** Each unique index of the table and the 409 it means. */
  conflicts: UniqueConflicts;
};

/**
 * Inserts a new reference row with its audit entry, after `guards`. The caller
 * has checked the writer (before reading the ids the row names) and built the row.
 */
export async function insertReferenceRow<
  T extends TenantTable,
  Row extends T["$inferInsert"] & { id: string },
>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: ReferenceTarget<T, Row>,
  row: Row,
  guards: BatchStep[] = [],
): Promise<Row> {
  const { table, entityType } = target;
  await runBatch(
    db,
    [...guards, ...insertSteps(db, scope, meta, { table, entityType, row })],
    target.conflicts,
  );
  return row;
}

/**
 * Changes a reference row: 404 unless it is the tenant's, then 403 unless the
 * caller writes reference data, then `check` (the ids the change names), then only
 * the changed fields with their audit entry; nothing when nothing changes.
 */
export async function updateReferenceRow<T extends TenantTable, Row extends { id: string }>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: ReferenceTarget<T, Row>,
  id: string,
  input: Partial<Row>,
  check?: () => Promise<unknown>,
): Promise<Row> {
  const before = await target.get(db, scope, id);
  requireReferenceWriter(scope);
  await check?.();
  const { table, entityType } = target;
  const update = updateSteps(db, scope, meta, {
    table,
    entityType,
    before,
    after: { ...before, ...input },
  });
  await runBatch(db, update.steps, target.conflicts);
  return update.row;
}

/**
 * Deletes a reference row for good, with its audit entry: the same 404 and 403 as
 * a change, and 409 while `inUse` (guards that nothing points at the row, checked
 * as the batch lands, so a racing create cannot slip past them) fails.
 */
export async function deleteReferenceRow<T extends TenantTable, Row extends { id: string }>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: ReferenceTarget<T, Row>,
  id: string,
  inUse: Guard[],
): Promise<void> {
  const before = await target.get(db, scope, id);
  requireReferenceWriter(scope);
  const { table, entityType } = target;
  await runBatch(db, [
    ...inUse,
    ...hardDeleteSteps(db, scope, meta, { table, entityType, before }),
  ]);
}
