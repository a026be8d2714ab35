/**
 * The role hierarchy of SPEC §2 as functions, so every rule about "above", "below"
 * and "one level down" is answered in one place.
 * @module
 */
import { type Role, ROLES } from "../db/schema/index.ts";

export { type Role, ROLES };

/** 0 for the platform admin, 5 for a consultant: a smaller rank is higher. */
export function rankOf(role: Role): number {
  return ROLES.indexOf(role);
}

/** True when `role` is strictly below `actorRole` (the roles an actor manages). */
export function isBelow(role: Role, actorRole: Role): boolean {
  return rankOf(role) > rankOf(actorRole);
}

/** The one role a given role may create: the next one down, or none for a consultant. */
export function creatableRole(role: Role): Role | null {
  return ROLES[rankOf(role) + 1] ?? null;
}

/** Which placement a role requires (SPEC §2 "Required placement"). */
export function placementOf(role: Role): "platform" | "tenant" | "region" | "branch" {
  switch (role) {
    case "super_super_admin":
      return "platform";
    case "super_admin":
    case "country_manager":
      return "tenant";
    case "region_manager":
      return "region";
    case "branch_admin":
    case "consultant":
      return "branch";
  }
}

/** Roles that manage regions, branches of any region and reference data. */
export const TENANT_MANAGERS: readonly Role[] = ["super_admin", "country_manager"];
