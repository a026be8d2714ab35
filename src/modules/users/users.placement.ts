/**
 * Where a user of a role may sit (SPEC §2 "Required placement"), resolved inside
 * the placing manager's scope: a region or branch outside it is a 404.
 * @module
 */
import { sql } from "drizzle-orm";
import { type Guard, guard } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { users } from "../../db/schema/index.ts";
import { invalidField } from "../../lib/errors.ts";
import { placementOf, type Role } from "../../scope/roles.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import { getRegion } from "../regions/regions.selectors.ts";
import { getUser } from "./users.selectors.ts";

export type Placement = { region_id: string | null; branch_id: string | null };

/**
 * Resolves the final placement of a user of `role` from the requested ids.
 * A branch sets the region (a mismatching region_id is a 422); tenant-level roles
 * sit on no region or branch.
 */
export async function resolvePlacement(
  db: Database,
  scope: TenantScope,
  role: Role,
  requested: { region_id?: string | null; branch_id?: string | null },
): Promise<Placement> {
  const kind = placementOf(role);
  if (kind === "platform") throw invalidField("role", "Platform admins are not tenant users.");
  if (kind === "tenant") {
    if (requested.region_id) {
      throw invalidField("region_id", `A ${role} is placed on the tenant, not a region.`);
    }
    if (requested.branch_id) {
      throw invalidField("branch_id", `A ${role} is placed on the tenant, not a branch.`);
    }
    return { region_id: null, branch_id: null };
  }
  if (kind === "region") {
    if (requested.branch_id) {
      throw invalidField("branch_id", `A ${role} is placed on a region, not a branch.`);
    }
    if (!requested.region_id) throw invalidField("region_id", `A ${role} needs a region_id.`);
    const region = await getRegion(db, scope, requested.region_id);
    return { region_id: region.id, branch_id: null };
  }
  if (!requested.branch_id) throw invalidField("branch_id", `A ${role} needs a branch_id.`);
  const branch = await getBranch(db, scope, requested.branch_id);
  if (requested.region_id && requested.region_id !== branch.region_id) {
    throw invalidField("region_id", "region_id must be the branch's region.");
  }
  return { region_id: branch.region_id, branch_id: branch.id };
}

/** True when a user's placement covers a branch: placed in it, its region's manager, or tenant-level. */
export function coversBranch(
  user: { role: Role; region_id: string | null; branch_id: string | null },
  branch: { id: string; region_id: string },
): boolean {
  const kind = placementOf(user.role);
  if (kind === "tenant") return true;
  if (kind === "region") return user.region_id === branch.region_id;
  return user.branch_id === branch.id;
}

/**
 * Checks a user named as the assignee of a branch's record: visible to the writer
 * (404 otherwise, like any id outside scope), active, and working in that branch.
 * A record of no branch (a task with no client) passes `null`: any visible,
 * active user may take it.
 */
export async function requireAssignee(
  db: Database,
  scope: TenantScope,
  userId: string,
  branch: { id: string; region_id: string } | null,
): Promise<void> {
  const user = await getUser(db, scope, userId);
  if (!user.is_active) throw invalidField("assigned_to", "The assignee is deactivated.");
  if (branch && !coversBranch(user, branch)) {
    throw invalidField("assigned_to", "The assignee does not work in the client's branch.");
  }
}

/** The write-time half of {@link requireAssignee}: the assignee is still active when the batch lands. */
export function assigneeStillActive(userId: string): Guard {
  return guard(
    sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId} AND ${users.is_active} = 1)`,
    invalidField("assigned_to", "The assignee is deactivated."),
  );
}
