/**
 * Reads of the audit log: a tenant's super_admin and country_manager (and the
 * platform admin inside the tenant) see all of the tenant's entries.
 * @module
 */
import { and, eq, gte, lte } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { audit_logs } from "../../db/schema/index.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { requireTenantManager } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ListAuditLogsQuery } from "./audit-logs.schemas.ts";

const ordering: Ordering = { columns: { at: audit_logs.at }, id: audit_logs.id, default: "-at" };

/** Lists the tenant's audit entries, newest first by default. */
export function listAuditLogs(
  db: Database,
  scope: TenantScope,
  query: ListAuditLogsQuery,
  url: string,
) {
  requireTenantManager(scope, "read the audit log");
  const where = and(
    eq(audit_logs.tenant_id, scope.tenantId),
    query.entity_type ? eq(audit_logs.entity_type, query.entity_type) : undefined,
    query.entity_id ? eq(audit_logs.entity_id, query.entity_id) : undefined,
    query.actor_id ? eq(audit_logs.actor_id, query.actor_id) : undefined,
    query.action ? eq(audit_logs.action, query.action) : undefined,
    query.at_after ? gte(audit_logs.at, new Date(query.at_after).toISOString()) : undefined,
    query.at_before ? lte(audit_logs.at, new Date(query.at_before).toISOString()) : undefined,
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, audit_logs, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, audit_logs, where),
  });
}
