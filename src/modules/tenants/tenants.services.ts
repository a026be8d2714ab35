/**
 * Tenant writes: the platform admin creates, edits, suspends and reactivates
 * agencies; an agency's super_admin edits its own name and settings.
 * @module
 */
import { eq } from "drizzle-orm";
import { auditStatement, changedFields } from "../../audit/audit.ts";
import { runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { tenants } from "../../db/schema/index.ts";
import { ApiError } from "../../lib/errors.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import type { Scope } from "../../scope/scope.ts";
import { getTenant } from "./tenants.selectors.ts";
import type { z } from "@hono/zod-openapi";
import {
  type CreateTenantSchema,
  DEFAULT_SETTINGS,
  type Tenant,
  type UpdateCurrentTenantSchema,
  type UpdateTenantSchema,
} from "./tenants.schemas.ts";

type CreateTenantInput = z.infer<typeof CreateTenantSchema>;
type UpdateTenantInput =
  | z.infer<typeof UpdateTenantSchema>
  | z.infer<typeof UpdateCurrentTenantSchema>;

/** Creates an agency (platform admin only; the route checks the role). */
export async function createTenant(
  db: Database,
  scope: Scope,
  meta: RequestMeta,
  input: CreateTenantInput,
): Promise<Tenant> {
  const now = meta.now.toISOString();
  const tenant: Tenant = {
    id: uuidv7(meta.now.getTime()),
    name: input.name,
    domain: input.domain ?? null,
    is_active: true,
    subscription_status: input.subscription_status ?? "trial",
    settings: { ...DEFAULT_SETTINGS, ...input.settings },
    created_at: now,
    updated_at: now,
    created_by: scope.actor.userId,
    updated_by: scope.actor.userId,
  };
  await runBatch(db, [
    db.insert(tenants).values(tenant),
    auditStatement(db, scope.actor, meta, {
      tenantId: tenant.id,
      action: "create",
      entityType: "tenant",
      entityId: tenant.id,
      after: tenant,
    }),
  ]);
  return tenant;
}

/** Applies changes to a tenant in scope; settings merge key by key. */
export async function updateTenant(
  db: Database,
  scope: Scope,
  meta: RequestMeta,
  id: string,
  input: UpdateTenantInput,
  options: {
    platformOnly: boolean;
    action?: "update" | "suspend" | "reactivate";
    isActive?: boolean;
  },
): Promise<Tenant> {
  const before = await getTenant(db, scope, id);
  // Looked up first: a tenant outside the caller's scope is a 404, not a 403.
  if (options.platformOnly && scope.actor.role !== "super_super_admin") {
    throw new ApiError(403, "forbidden", "Only the platform admin may change tenants this way.");
  }
  const { action = "update", isActive } = options;
  const after: Tenant = {
    ...before,
    ...input,
    settings: { ...before.settings, ...input.settings },
    is_active: isActive ?? before.is_active,
    updated_at: meta.now.toISOString(),
    updated_by: scope.actor.userId,
  };
  const diff = changedFields(before, after);
  if (Object.keys(diff.after).length === 0) return before;
  const { id: _id, created_at: _c, created_by: _cb, ...changes } = after;
  await runBatch(db, [
    db.update(tenants).set(changes).where(eq(tenants.id, id)),
    auditStatement(db, scope.actor, meta, {
      tenantId: id,
      action,
      entityType: "tenant",
      entityId: id,
      ...diff,
    }),
  ]);
  return after;
}

/** Suspends or reactivates an agency; its staff are refused on their next request. */
export function setTenantActive(
  db: Database,
  scope: Scope,
  meta: RequestMeta,
  id: string,
  active: boolean,
): Promise<Tenant> {
  return updateTenant(db, scope, meta, id, {}, {
    platformOnly: true,
    action: active ? "reactivate" : "suspend",
    isActive: active,
  });
}
