/**
 * Writes of a client's records, for any sub-resource definition. Every role
 * creates and edits records of clients in its scope (unless the resource says
 * who may edit, as notes do); branch_admin and up delete them, for good. Each
 * write is one batch: a guard that the client is still live, the resource's own
 * guards, the change with its audit entry, and the resource's side effects.
 * @module
 */
import { eq } from "drizzle-orm";
import { auditStatement, changedFields } from "../../audit/audit.ts";
import { runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { hardDeleteSteps } from "../../lib/hard-delete.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { PageQuery } from "../../lib/pagination.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getClient } from "../clients/clients.selectors.ts";
import { clientStillLive } from "../clients/clients.services.ts";
import type { ProfileResource, ProfileRow, WriteContext } from "./client-profiles.resource.ts";
import { getClientRecord } from "./client-profiles.selectors.ts";

/** Adds a record to a live client in scope. */
export async function createClientRecord<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  resource: ProfileResource<Row, C, U, Q>,
  clientId: string,
  input: C,
): Promise<Row> {
  const client = await getClient(db, scope, clientId);
  const ctx: WriteContext = { db, scope, meta, client };
  const now = meta.now.toISOString();
  const row = resource.build(input, {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    client_id: client.id,
    created_at: now,
    updated_at: now,
    created_by: scope.actor.userId,
    updated_by: scope.actor.userId,
  }, ctx);
  await resource.check?.(ctx, row, null);
  await runBatch(db, [
    clientStillLive(client.id),
    ...(resource.guards?.(ctx, row, null) ?? []),
    db.insert(resource.table).values(row),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "create",
      entityType: resource.entityType,
      entityId: row.id,
      after: row,
    }),
    ...(await resource.effects?.(ctx, row, null) ?? []),
  ]);
  return row;
}

/** Changes a record; a change that changes nothing writes nothing. */
export async function updateClientRecord<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  resource: ProfileResource<Row, C, U, Q>,
  clientId: string,
  id: string,
  input: U,
): Promise<Row> {
  const { client, row: before } = await getClientRecord(db, scope, resource, clientId, id);
  resource.mayEdit?.(scope, before);
  const ctx: WriteContext = { db, scope, meta, client };
  const after: Row = {
    ...before,
    ...input,
    updated_at: meta.now.toISOString(),
    updated_by: scope.actor.userId,
  };
  await resource.check?.(ctx, after, before);
  const diff = changedFields(before, after);
  if (Object.keys(diff.after).length === 0) return before;
  await runBatch(db, [
    clientStillLive(client.id),
    ...(resource.guards?.(ctx, after, before) ?? []),
    db.update(resource.table)
      .set({ ...diff.after, updated_at: after.updated_at, updated_by: after.updated_by })
      .where(eq(resource.table.id, id)),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "update",
      entityType: resource.entityType,
      entityId: id,
      ...diff,
    }),
    ...(await resource.effects?.(ctx, after, before) ?? []),
  ]);
  return after;
}

/** Deletes a record for good (branch_admin and up), with its audit entry. */
export async function deleteClientRecord<
  Row extends ProfileRow,
  C,
  U extends Partial<Row>,
  Q extends PageQuery,
>(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  resource: ProfileResource<Row, C, U, Q>,
  clientId: string,
  id: string,
): Promise<void> {
  const { client, row } = await getClientRecord(db, scope, resource, clientId, id);
  requireBranchAdminOrAbove(scope, `delete ${resource.noun.many}`);
  const ctx: WriteContext = { db, scope, meta, client };
  await runBatch(db, [
    ...(resource.deleteGuards?.(ctx, row) ?? []),
    ...hardDeleteSteps(db, scope, meta, {
      table: resource.table,
      entityType: resource.entityType,
      before: row,
    }),
  ]);
}
