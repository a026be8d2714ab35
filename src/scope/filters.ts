/**
 * The one scope filter: a TenantScope becomes the drizzle `where` for each tenant
 * table. Every selector and guarded write composes its conditions with these.
 * @module
 */
import { and, eq, inArray, isNull, or, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { agents, branches, clients, regions, tasks, tenants, users } from "../db/schema/index.ts";
import type { Database } from "../db/database.ts";
import type { Scope, TenantScope } from "./scope.ts";

/** An id of a scope: bound as a value, or a placeholder of a prepared statement. */
type ScopeId = string | Placeholder;

/** The part of a scope that branch-owned rows are filtered by (a TenantScope is one). */
export type BranchScope =
  | { level: "tenant"; tenantId: ScopeId }
  | { level: "region"; tenantId: ScopeId; regionId: ScopeId }
  | { level: "branch"; tenantId: ScopeId; regionId: ScopeId; branchId: ScopeId };

/**
 * The scope of a statement prepared once per scope level and run for every
 * caller at that level: the same conditions as a caller's scope, with its ids as
 * placeholders that {@link scopeArgs} fills.
 */
export function scopePlaceholders(level: TenantScope["level"]): BranchScope {
  const tenantId = sql.placeholder("scope_tenant");
  const regionId = sql.placeholder("scope_region");
  if (level === "tenant") return { level, tenantId };
  if (level === "region") return { level, tenantId, regionId };
  return { level, tenantId, regionId, branchId: sql.placeholder("scope_branch") };
}

/** The values of {@link scopePlaceholders} for a caller's scope. */
export function scopeArgs(scope: TenantScope): Record<string, string> {
  if (scope.level === "tenant") return { scope_tenant: scope.tenantId };
  if (scope.level === "region") {
    return { scope_tenant: scope.tenantId, scope_region: scope.regionId };
  }
  return {
    scope_tenant: scope.tenantId,
    scope_region: scope.regionId,
    scope_branch: scope.branchId,
  };
}

/** Tenants a caller sees: every tenant for the platform, its own otherwise. */
export function tenantsInScope(scope: Scope): SQL | undefined {
  return scope.level === "platform" ? undefined : eq(tenants.id, scope.tenantId);
}

/** Regions in scope: all of the tenant, or the caller's own region. */
export function regionsInScope(scope: TenantScope): SQL {
  const tenant = eq(regions.tenant_id, scope.tenantId);
  return scope.level === "tenant" ? tenant : and(tenant, eq(regions.id, scope.regionId))!;
}

/** Branches in scope: all of the tenant, the region's, or the caller's own. */
export function branchesInScope(scope: TenantScope): SQL {
  const tenant = eq(branches.tenant_id, scope.tenantId);
  if (scope.level === "tenant") return tenant;
  if (scope.level === "region") return and(tenant, eq(branches.region_id, scope.regionId))!;
  return and(tenant, eq(branches.id, scope.branchId))!;
}

/** Users in scope: placed in the tenant, the region, or the branch of the caller. */
export function usersInScope(scope: TenantScope): SQL {
  const tenant = eq(users.tenant_id, scope.tenantId);
  if (scope.level === "tenant") return tenant;
  if (scope.level === "region") return and(tenant, eq(users.region_id, scope.regionId))!;
  return and(tenant, eq(users.branch_id, scope.branchId))!;
}

/**
 * Rows owned by a branch (clients, agents, …): the tenant's, those of the region's
 * branches, or the caller's branch. The region case is a subquery on the branches
 * index, so branch-owned tables need no copy of region_id that could go stale.
 */
export function branchRowsInScope(
  scope: BranchScope,
  columns: { tenant_id: SQLiteColumn; branch_id: SQLiteColumn },
  db: Database,
): SQL {
  const tenant = eq(columns.tenant_id, scope.tenantId);
  if (scope.level === "tenant") return tenant;
  if (scope.level === "branch") return and(tenant, eq(columns.branch_id, scope.branchId))!;
  const regionBranches = db.select({ id: branches.id }).from(branches).where(
    eq(branches.region_id, scope.regionId),
  );
  return and(tenant, inArray(columns.branch_id, regionBranches))!;
}

/** Agents in scope: tenant-wide agents (no branch) plus those of branches in scope. */
export function agentsInScope(scope: TenantScope, db: Database): SQL {
  const tenant = eq(agents.tenant_id, scope.tenantId);
  if (scope.level === "tenant") return tenant;
  return and(tenant, or(isNull(agents.branch_id), branchRowsInScope(scope, agents, db)))!;
}

/** Clients in scope: those of the branches the caller sees. */
export function clientsInScope(scope: BranchScope, db: Database): SQL {
  return branchRowsInScope(scope, clients, db);
}

/** Tenant reference data (visa categories and types, …): the whole tenant reads it. */
export function referenceInScope(scope: TenantScope, tenantColumn: SQLiteColumn): SQL {
  return eq(tenantColumn, scope.tenantId);
}

/** Live (not soft-deleted) clients in scope, as an id subquery. */
function liveClientIds(scope: TenantScope, db: Database) {
  return db.select({ id: clients.id }).from(clients).where(
    and(clientsInScope(scope, db), isNull(clients.deleted_at)),
  );
}

/**
 * Rows that belong to a client (profiles, notes, visa applications, applications,
 * reminders): those of live clients in scope. A soft-deleted client's rows are
 * hidden with it and come back with it.
 */
export function clientRowsInScope(
  scope: TenantScope,
  columns: { tenant_id: SQLiteColumn; client_id: SQLiteColumn },
  db: Database,
): SQL {
  return and(
    eq(columns.tenant_id, scope.tenantId),
    inArray(columns.client_id, liveClientIds(scope, db)),
  )!;
}

/**
 * Tasks in scope (SPEC §2 "Rows with no branch"): a task is seen by its creator,
 * its assignee, and whoever's scope holds the assignee's or the client's branch.
 * A task of a soft-deleted client is hidden from everyone with that client.
 */
export function tasksInScope(scope: TenantScope, db: Database): SQL {
  const tenantClients = db.select({ id: clients.id }).from(clients).where(
    and(eq(clients.tenant_id, scope.tenantId), isNull(clients.deleted_at)),
  );
  const clientLive = or(isNull(tasks.client_id), inArray(tasks.client_id, tenantClients));
  const tenant = and(eq(tasks.tenant_id, scope.tenantId), clientLive)!;
  if (scope.level === "tenant") return tenant;
  const me = scope.actor.userId;
  const assigneesInScope = db.select({ id: users.id }).from(users).where(usersInScope(scope));
  return and(
    tenant,
    or(
      eq(tasks.created_by, me),
      eq(tasks.assigned_to, me),
      inArray(tasks.assigned_to, assigneesInScope),
      inArray(tasks.client_id, liveClientIds(scope, db)),
    ),
  )!;
}
