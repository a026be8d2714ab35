/**
 * Client writes. Every role creates and edits clients in its scope; branch_admin
 * and above also delete, restore and move them between branches of their scope.
 * Every id a body names (branch, assignee, agent) is resolved inside the writer's
 * scope, so pointing a client outside it is the same 404 as an unknown id.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { type BatchStep, type Guard, guard, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { agents, branches, clients } from "../../db/schema/index.ts";
import { creationStamps, insertSteps, updateSteps } from "../../lib/audited-writes.ts";
import { ApiError, invalidField, notFound } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { softDeleteSteps } from "../../lib/soft-delete.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { getAgent } from "../agents/agents.selectors.ts";
import type { Branch } from "../branches/branches.schemas.ts";
import { getBranch } from "../branches/branches.selectors.ts";
import { branchStillLive } from "../branches/branches.services.ts";
import { assigneeStillActive, requireAssignee } from "../users/users.placement.ts";
import type { Client, CreateClientSchema, UpdateClientSchema } from "./clients.schemas.ts";
import { getClient } from "./clients.selectors.ts";

async function clientBranch(
  db: Database,
  scope: TenantScope,
  requested: string | undefined,
): Promise<Branch> {
  if (requested) return await getBranch(db, scope, requested);
  if (scope.level === "branch") return await getBranch(db, scope, scope.branchId);
  throw invalidField("branch_id", "branch_id is required.");
}

/**
 * Guards for the rows a write points the client at, re-checked when the batch
 * lands. Only the references being set are given: an edit of other fields must
 * not fail because the client's agent was deleted meanwhile.
 */
function referenceGuards(
  client: Partial<Pick<Client, "branch_id" | "assigned_to" | "agent_id">>,
): BatchStep[] {
  const steps: BatchStep[] = [];
  if (client.branch_id) {
    steps.push(guard(
      sql`EXISTS (SELECT 1 FROM ${branches} WHERE ${branches.id} = ${client.branch_id} AND ${branches.deleted_at} IS NULL)`,
      notFound("Branch"),
    ));
  }
  if (client.assigned_to) steps.push(assigneeStillActive(client.assigned_to));
  if (client.agent_id) {
    steps.push(guard(
      sql`EXISTS (SELECT 1 FROM ${agents} WHERE ${agents.id} = ${client.agent_id} AND ${agents.deleted_at} IS NULL)`,
      notFound("Agent"),
    ));
  }
  return steps;
}

/**
 * The guard of a write to a client's rows (applications, profiles, …): the client
 * is still live when the batch lands, else the same 404 a deleted client gets.
 */
export function clientStillLive(clientId: string): Guard {
  return guard(
    sql`EXISTS (SELECT 1 FROM ${clients} WHERE ${clients.id} = ${clientId} AND ${clients.deleted_at} IS NULL)`,
    notFound("Client"),
  );
}

/**
 * The agent a client names: visible to the writer (404 otherwise) and tenant-wide or
 * of the client's own branch, so the client's branch can always see it.
 */
async function requireClientAgent(
  db: Database,
  scope: TenantScope,
  agentId: string,
  branchId: string,
): Promise<void> {
  const agent = await getAgent(db, scope, agentId);
  if (agent.branch_id !== null && agent.branch_id !== branchId) {
    const message =
      "The agent works for another branch; pick a tenant-wide agent or one of the client's branch.";
    throw new ApiError(422, "validation_error", message, [{ path: ["agent_id"], message }]);
  }
}

/** Creates a client in a branch of the caller's scope; a consultant's own clients are assigned to it. */
export async function createClient(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  input: z.infer<typeof CreateClientSchema>,
): Promise<Client> {
  const branch = await clientBranch(db, scope, input.branch_id);
  const assignedTo = input.assigned_to !== undefined
    ? input.assigned_to
    : scope.actor.role === "consultant"
    ? scope.actor.userId
    : null;
  if (assignedTo) await requireAssignee(db, scope, assignedTo, branch);
  if (input.agent_id) await requireClientAgent(db, scope, input.agent_id, branch.id);

  const client: Client = {
    id: uuidv7(meta.now.getTime()),
    tenant_id: scope.tenantId,
    branch_id: branch.id,
    assigned_to: assignedTo,
    agent_id: input.agent_id ?? null,
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email ?? null,
    phone: input.phone ?? "",
    date_of_birth: input.date_of_birth ?? null,
    gender: input.gender ?? "unspecified",
    nationality: input.nationality ?? null,
    passport_number: input.passport_number ?? null,
    passport_expiry_date: input.passport_expiry_date ?? null,
    current_visa: input.current_visa ?? null,
    visa_expiry_date: input.visa_expiry_date ?? null,
    address: input.address ?? "",
    notes: input.notes ?? "",
    status: input.status ?? "lead",
    lead_source: input.lead_source ?? "walk_in",
    ...creationStamps(scope, meta),
    deleted_at: null,
    deleted_by: null,
  };
  await runBatch(db, [
    ...referenceGuards(client),
    ...insertSteps(db, scope, meta, { table: clients, entityType: "client", row: client }),
  ]);
  return client;
}

/** Changes a live client; a new branch_id moves it (branch_admin and up). */
export async function updateClient(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  input: z.infer<typeof UpdateClientSchema>,
): Promise<Client> {
  const before = await getClient(db, scope, id);
  const moves = input.branch_id !== undefined && input.branch_id !== before.branch_id;
  if (moves) requireBranchAdminOrAbove(scope, "move clients to another branch");
  const assignedTo = input.assigned_to !== undefined ? input.assigned_to : before.assigned_to;
  const checksAssignee = assignedTo !== null && (input.assigned_to !== undefined || moves);
  // The branch is read only when the edit needs it: a plain edit costs no extra query.
  if (moves || checksAssignee) {
    const branch = await getBranch(db, scope, input.branch_id ?? before.branch_id);
    if (checksAssignee && assignedTo) await requireAssignee(db, scope, assignedTo, branch);
  }
  const after: Client = { ...before, ...input, assigned_to: assignedTo };
  if (after.agent_id && (input.agent_id || moves)) {
    await requireClientAgent(db, scope, after.agent_id, after.branch_id);
  }
  const update = updateSteps(db, scope, meta, {
    table: clients,
    entityType: "client",
    before,
    after,
  });
  if (update.steps.length === 0) return before;
  await runBatch(db, [
    ...referenceGuards({
      branch_id: moves ? after.branch_id : undefined,
      assigned_to: input.assigned_to !== undefined || moves ? after.assigned_to : undefined,
      agent_id: input.agent_id !== undefined ? after.agent_id : undefined,
    }),
    ...update.steps,
  ]);
  return update.row;
}

/**
 * Soft-deletes (`deleted: true`) or restores a client (branch_admin and up). A
 * client cannot come back into a deleted branch: restore the branch first.
 */
export async function setClientDeleted(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
  deleted: boolean,
): Promise<Client> {
  const before = await getClient(db, scope, id, !deleted);
  requireBranchAdminOrAbove(scope, deleted ? "delete clients" : "restore clients");
  if ((before.deleted_at !== null) === deleted) return before;
  const steps: BatchStep[] = [];
  if (!deleted) steps.push(branchStillLive(before.branch_id, "client"));
  const change = softDeleteSteps(
    db,
    scope,
    meta,
    { table: clients, entityType: "client", before },
    deleted,
  );
  await runBatch(db, [...steps, ...change.steps]);
  return change.row;
}
