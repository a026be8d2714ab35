/**
 * Agent writes. A branch admin manages its branch's agents, a region manager its
 * region's; tenant-wide agents (no branch) belong to the tenant managers.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { auditStatement, changedFields } from "../../audit/audit.ts";
import { runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { agents } from "../../db/schema/index.ts";
import { ApiError, forbidden } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { softDeleteSteps } from "../../lib/soft-delete.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import { TENANT_MANAGERS } from "../../scope/roles.ts";
import { actingRole, type TenantScope } from "../../scope/scope.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import type { Agent, CreateAgentSchema, UpdateAgentSchema } from "./agents.schemas.ts";
import { getAgent } from "./agents.selectors.ts";

/** The branch an agent belongs to: one in scope, the caller's own by default, or none (tenant-wide). */
async function agentBranch(
  db: Database,
  scope: TenantScope,
  requested: string | null | undefined,
): Promise<string | null> {
  if (requested === undefined && scope.level === "branch") return scope.branchId;
  if (requested) return (await getBranch(db, scope, requested)).id;
  if (requested === undefined && scope.level === "region") {
    throw new ApiError(422, "validation_error", "branch_id is required.", [{
      path: ["branch_id"],
      message: "Required",
    }]);
  }
  requireTenantWideRights(scope);
  return null;
}

function requireTenantWideRights(scope: TenantScope): void {
  if (!TENANT_MANAGERS.includes(actingRole(scope))) {
    throw forbidden("Only a super_admin or country_manager manages tenant-wide agents.");
  }
}

/** Creates an agent (branch_admin and above). */
export async function createAgent(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateAgentSchema>,
): Promise<Agent> {
  requireBranchAdminOrAbove(scope, "create agents");
  const branchId = await agentBranch(db, scope, input.branch_id);
  const now = meta.now.toISOString();
  const agent: Agent = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    branch_id: branchId,
    name: input.name,
    company: input.company ?? "",
    email: input.email ?? null,
    phone: input.phone ?? "",
    commission_percent: input.commission_percent ?? 0,
    created_at: now,
    updated_at: now,
    created_by: scope.actor.userId,
    updated_by: scope.actor.userId,
    deleted_at: null,
    deleted_by: null,
  };
  await runBatch(db, [
    db.insert(agents).values(agent),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "create",
      entityType: "agent",
      entityId: agent.id,
      after: agent,
    }),
  ]);
  return agent;
}

/** Loads an agent the caller may change: visible, and tenant-wide ones only for tenant managers. */
async function getWritableAgent(
  db: Database,
  scope: TenantScope,
  id: string,
  withDeleted = false,
): Promise<Agent> {
  const agent = await getAgent(db, scope, id, withDeleted);
  requireBranchAdminOrAbove(scope, "change agents");
  if (agent.branch_id === null) requireTenantWideRights(scope);
  return agent;
}

/** Changes an agent; a new branch_id must be in scope. */
export async function updateAgent(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateAgentSchema>,
): Promise<Agent> {
  const before = await getWritableAgent(db, scope, id);
  const branchId = input.branch_id === undefined
    ? before.branch_id
    : await agentBranch(db, scope, input.branch_id);
  const after: Agent = {
    ...before,
    ...input,
    branch_id: branchId,
    updated_at: meta.now.toISOString(),
    updated_by: scope.actor.userId,
  };
  const diff = changedFields(before, after);
  if (Object.keys(diff.after).length === 0) return before;
  const { id: _id, tenant_id: _t, created_at: _c, created_by: _cb, ...changes } = after;
  await runBatch(db, [
    db.update(agents).set(changes).where(eq(agents.id, id)),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "update",
      entityType: "agent",
      entityId: id,
      ...diff,
    }),
  ]);
  return after;
}

/** Soft-deletes (`deleted: true`) or restores an agent. */
export async function setAgentDeleted(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  deleted: boolean,
): Promise<Agent> {
  const before = await getWritableAgent(db, scope, id, !deleted);
  if ((before.deleted_at !== null) === deleted) return before;
  const target = { table: agents, entityType: "agent", id, deletedAt: before.deleted_at };
  await runBatch(db, softDeleteSteps(db, scope, meta, target, deleted));
  const now = meta.now.toISOString();
  return {
    ...before,
    deleted_at: deleted ? now : null,
    deleted_by: deleted ? scope.actor.userId : null,
    updated_at: now,
    updated_by: scope.actor.userId,
  };
}
