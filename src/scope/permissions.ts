/**
 * Role checks inside a scope: failing one is a 403, because the object is visible
 * to the caller, only the action is not allowed (SPEC §2).
 * @module
 */
import { forbidden } from "../lib/errors.ts";
import { rankOf, type Role, TENANT_MANAGERS } from "./roles.ts";
import { actingRole, type Scope } from "./scope.ts";

/** Throws 403 unless the caller acts as one of `roles`. */
export function requireRole(scope: Scope, roles: readonly Role[], action: string): void {
  const role = actingRole(scope);
  if (!roles.includes(role)) throw forbidden(`A ${role} may not ${action}.`);
}

/** Regions, any region's branches and reference data: super_admin and country_manager. */
export function requireTenantManager(scope: Scope, action: string): void {
  requireRole(scope, TENANT_MANAGERS, action);
}

/** Delete, restore, move and the include_deleted views: branch_admin and above. */
export function requireBranchAdminOrAbove(scope: Scope, action: string): void {
  const role = actingRole(scope);
  if (rankOf(role) > rankOf("branch_admin")) throw forbidden(`A ${role} may not ${action}.`);
}
