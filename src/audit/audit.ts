/**
 * The one audit writer. Services put its statement into the same batch as the
 * change it records, so the log can never disagree with the data.
 * @module
 */
import type { Database } from "../db/database.ts";
import { audit_logs } from "../db/schema/index.ts";
import { uuidv7 } from "../lib/ids.ts";
import type { RequestMeta } from "../lib/request-meta.ts";
import type { Actor } from "../scope/scope.ts";

export type AuditAction =
  | "create"
  | "update"
  | "comment"
  | "delete"
  | "restore"
  | "deactivate"
  | "suspend"
  | "reactivate"
  | "password_set"
  | "platform_access"
  | "upload"
  | "download";

type Snapshot = Record<string, unknown>;

/** Fields that never enter the log, whatever the entity. */
const SECRET_FIELDS = new Set([
  "password",
  "password_hash",
  "token",
  "refresh_token",
  "token_hash",
]);

function withoutSecrets(snapshot: Snapshot | null): Snapshot | null {
  if (!snapshot) return null;
  return Object.fromEntries(Object.entries(snapshot).filter(([k]) => !SECRET_FIELDS.has(k)));
}

/** Bookkeeping that changes on every write and says nothing about the change. */
const BOOKKEEPING_FIELDS = new Set(["updated_at", "updated_by"]);

/**
 * The before/after pair limited to the fields that changed (SPEC §3 AuditLog);
 * empty objects when nothing but bookkeeping changed.
 */
export function changedFields(
  before: Snapshot,
  after: Snapshot,
): { before: Snapshot; after: Snapshot } {
  const changed = Object.keys(after).filter((k) =>
    !BOOKKEEPING_FIELDS.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])
  );
  return {
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  };
}

export type AuditEntry = {
  tenantId: string | null;
  action: AuditAction;
  entityType: string;
  entityId: string | null;
  before?: Snapshot | null;
  after?: Snapshot | null;
};

/** The facts of the write an audit entry records (a RequestMeta has them). */
export type AuditMeta = Pick<RequestMeta, "requestId" | "ip" | "now">;

/**
 * The audit row for one entry: secrets dropped, stamped with the request. The seed
 * inserts these rows in bulk with ids of its own; requests go through
 * {@link auditStatement}.
 */
export function auditRow(
  actor: Pick<Actor, "userId" | "role"> | null,
  meta: AuditMeta,
  entry: AuditEntry,
  id: string = uuidv7(meta.now.getTime()),
): typeof audit_logs.$inferInsert {
  return {
    id,
    tenant_id: entry.tenantId,
    actor_id: actor?.userId ?? null,
    actor_role: actor?.role ?? null,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: withoutSecrets(entry.before ?? null),
    after: withoutSecrets(entry.after ?? null),
    request_id: meta.requestId,
    ip: meta.ip,
    at: meta.now.toISOString(),
  };
}

/** The insert statement for one audit entry, to add to a batch. */
export function auditStatement(
  db: Database,
  actor: Actor | null,
  meta: RequestMeta,
  entry: AuditEntry,
) {
  return db.insert(audit_logs).values(auditRow(actor, meta, entry));
}
