/**
 * Agent writes. A branch admin manages its branch's agents, a region manager its
 * region's; tenant-wide agents (no branch) belong to the tenant managers.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { agents } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { softDeleteSteps } from "../../lib/soft-delete.ts";
import { requireBranchAdminOrAbove, requireTenantManager } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import { branchStillLive } from "../branches/branches.services.ts";
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
  requireTenantManager(scope, "manage tenant-wide agents");
  return null;
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
  const agent: Agent = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    branch_id: branchId,
    name: input.name,
    company: input.company ?? "",
    email: input.email ?? null,
    phone: input.phone ?? "",
    commission_percent: input.commission_percent ?? 0,
    ...creationStamps(scope, meta),
    deleted_at: null,
    deleted_by: null,
  };
  await runBatch(
    db,
    insertSteps(db, scope, meta, { table: agents, entityType: "agent", row: agent }),
  );
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
  if (agent.branch_id === null) requireTenantManager(scope, "manage tenant-wide agents");
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
  const update = updateSteps(db, scope, meta, {
    table: agents,
    entityType: "agent",
    before,
    after: { ...before, ...input, branch_id: branchId },
  });
  await runBatch(db, update.steps);
  return update.row;
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
  const change = softDeleteSteps(
    db,
    scope,
    meta,
    { table: agents, entityType: "agent", before },
    deleted,
  );
  const steps = !deleted && before.branch_id ? [branchStillLive(before.branch_id, "agent")] : [];
  await runBatch(db, [...steps, ...change.steps]);
  return change.row;
}
