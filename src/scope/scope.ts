/**
 * What an authenticated caller is (Actor) and what it may see (Scope).
 *
 * The Scope is derived from the user's row on every request, never from token
 * claims, so a role change, a move or a deactivation takes effect on the next call.
 * Selectors and services take a TenantScope as their first argument: there is no
 * way to read tenant data without one.
 * @module
 */
import type { Role } from "./roles.ts";
import { placementOf } from "./roles.ts";

/** The authenticated user as loaded for this request. */
export type Actor = {
  userId: string;
  role: Role;
  tenantId: string | null;
  regionId: string | null;
  branchId: string | null;
  sessionId: string;
  /**
   * The database's change version (change-version.ts) this actor was checked at,
   * where there is one: the request's later reads may trust a cache that held at
   * it instead of reading the version again.
   */
  version?: number;
};

type ScopeBase = { actor: Actor; tenantId: string };

/**
 * Where a caller's view of a tenant ends. `viaPlatform` marks a platform admin
 * acting inside a tenant through X-Tenant-ID (audited per request).
 */
export type TenantScope =
  | ScopeBase & { level: "tenant"; viaPlatform: boolean }
  | ScopeBase & { level: "region"; regionId: string }
  | ScopeBase & { level: "branch"; regionId: string; branchId: string };

/** The platform admin without a named tenant: sees tenants, no tenant data. */
export type PlatformScope = { level: "platform"; actor: Actor };

export type Scope = TenantScope | PlatformScope;

/**
 * Builds the scope of an actor; `namedTenantId` is the X-Tenant-ID a platform admin
 * sent (already checked to exist), ignored for every other role.
 */
export function scopeOf(actor: Actor, namedTenantId: string | null): Scope {
  const placement = placementOf(actor.role);
  if (placement === "platform") {
    return namedTenantId
      ? { level: "tenant", tenantId: namedTenantId, actor, viaPlatform: true }
      : { level: "platform", actor };
  }
  const tenantId = actor.tenantId!;
  if (placement === "tenant") return { level: "tenant", tenantId, actor, viaPlatform: false };
  if (placement === "region") {
    return { level: "region", tenantId, regionId: actor.regionId!, actor };
  }
  return {
    level: "branch",
    tenantId,
    regionId: actor.regionId!,
    branchId: actor.branchId!,
    actor,
  };
}

/**
 * The role whose rights apply to tenant data: a platform admin inside a tenant
 * acts as its super_admin (SPEC §2); everyone else as themselves.
 */
export function actingRole(scope: Scope): Role {
  return scope.level === "tenant" && scope.viaPlatform ? "super_admin" : scope.actor.role;
}
