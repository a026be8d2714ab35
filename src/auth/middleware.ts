/**
 * Authentication and scope for every protected route.
 *
 * The token proves who is calling; the database decides what they may do now:
 * one indexed query loads the user, its tenant and its session, so deactivation,
 * tenant suspension, logout, a role change or a move all take effect on the very
 * next request rather than at token expiry.
 * @module
 */
import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { auditStatement } from "../audit/audit.ts";
import { auth_sessions, tenants, users } from "../db/schema/index.ts";
import type { AppEnv } from "../lib/context.ts";
import { ApiError } from "../lib/errors.ts";
import { isUuid } from "../lib/ids.ts";
import { enforceRateLimit } from "../lib/middleware.ts";
import { requestMeta } from "../lib/request-meta.ts";
import { placementOf } from "../scope/roles.ts";
import {
  type Actor,
  type PlatformScope,
  type Scope,
  scopeOf,
  type TenantScope,
} from "../scope/scope.ts";
import { verifyAccessToken } from "./tokens.ts";

const unauthorized = (code: string, message: string) => new ApiError(401, code, message);

function bearerToken(c: Context<AppEnv>): string {
  const header = c.req.header("authorization");
  if (!header) throw unauthorized("unauthorized", "Send a bearer access token.");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw unauthorized("invalid_token", "The Authorization header must be 'Bearer <token>'.");
  }
  return match[1];
}

/** Verifies a bearer access token and returns the live actor it belongs to. */
export async function authenticate(c: Context<AppEnv>, token: string): Promise<Actor> {
  const { db, keys, config, clock } = c.get("deps");
  const now = clock();
  const claims = await verifyAccessToken(token, keys, config, now);
  if ("code" in claims) throw unauthorized(claims.code, claims.message);

  const [row] = await db
    .select({
      id: users.id,
      role: users.role,
      tenant_id: users.tenant_id,
      region_id: users.region_id,
      branch_id: users.branch_id,
      is_active: users.is_active,
      tenant_active: tenants.is_active,
      session_revoked_at: auth_sessions.revoked_at,
      session_expires_at: auth_sessions.expires_at,
    })
    .from(users)
    .innerJoin(
      auth_sessions,
      and(eq(auth_sessions.id, claims.sid), eq(auth_sessions.user_id, users.id)),
    )
    .leftJoin(tenants, eq(tenants.id, users.tenant_id))
    .where(eq(users.id, claims.sub))
    .limit(1);

  if (!row || row.session_revoked_at !== null || row.session_expires_at <= now.toISOString()) {
    throw unauthorized("session_revoked", "This session has ended; log in again.");
  }
  if (!row.is_active) throw unauthorized("user_inactive", "This account is deactivated.");
  if (row.tenant_id !== null && row.tenant_active !== true) {
    throw unauthorized("tenant_suspended", "This agency's account is suspended.");
  }
  const placement = placementOf(row.role);
  const placed = placement === "platform" ||
    (row.tenant_id !== null && (placement === "tenant" || row.region_id !== null) &&
      (placement !== "branch" || row.branch_id !== null));
  if (!placed) throw new ApiError(403, "not_placed", "This account has no valid placement.");
  return {
    userId: row.id,
    role: row.role,
    tenantId: row.tenant_id,
    regionId: row.region_id,
    branchId: row.branch_id,
    sessionId: claims.sid,
  };
}

/** Resolves X-Tenant-ID for a platform admin: an unknown tenant is a 404. */
async function namedTenant(c: Context<AppEnv>, actor: Actor): Promise<string | null> {
  if (actor.role !== "super_super_admin") return null;
  const named = c.req.header("x-tenant-id");
  if (!named) return null;
  const notFound = new ApiError(
    404,
    "tenant_not_found",
    "The tenant named in X-Tenant-ID does not exist.",
  );
  if (!isUuid(named)) throw notFound;
  const [tenant] = await c.get("deps").db.select({ id: tenants.id }).from(tenants).where(
    eq(tenants.id, named),
  );
  if (!tenant) throw notFound;
  return tenant.id;
}

/**
 * Requires a valid token, rate-limits per user, and sets `actor` and `scope`.
 * A platform admin's request inside a tenant is audited after it runs, whatever
 * its outcome, so an agency can see when the platform looked at its data.
 */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    const actor = await authenticate(c, bearerToken(c));
    enforceRateLimit(deps, `user:${actor.userId}`, deps.config.rateLimitPerMinute);
    const scope = scopeOf(actor, await namedTenant(c, actor));
    c.set("actor", actor);
    c.set("scope", scope);
    try {
      await next();
    } finally {
      if (scope.level === "tenant" && scope.viaPlatform) {
        await auditStatement(deps.db, actor, requestMeta(c), {
          tenantId: scope.tenantId,
          action: "platform_access",
          entityType: "request",
          entityId: null,
          after: { method: c.req.method, path: c.req.path, status: c.res.status },
        });
      }
    }
  };
}

/** The caller's scope inside a tenant; a platform admin without X-Tenant-ID gets 400. */
export function tenantScope(c: Context<AppEnv>): TenantScope {
  const scope = c.get("scope");
  if (!scope) throw unauthorized("unauthorized", "Authentication required.");
  if (scope.level === "platform") {
    throw new ApiError(
      400,
      "tenant_required",
      "Name the tenant to act in with the X-Tenant-ID header.",
    );
  }
  return scope;
}

/** The caller's scope, platform or tenant (for tenant administration routes). */
export function anyScope(c: Context<AppEnv>): Scope {
  const scope = c.get("scope");
  if (!scope) throw unauthorized("unauthorized", "Authentication required.");
  return scope;
}

/** The platform scope; anyone else gets 403. */
export function platformScope(c: Context<AppEnv>): PlatformScope | TenantScope {
  const scope = anyScope(c);
  if (scope.actor.role !== "super_super_admin") {
    throw new ApiError(403, "forbidden", "Only the platform admin may do this.");
  }
  return scope;
}

/** The authenticated caller (behind requireAuth). */
export function currentActor(c: Context<AppEnv>): Actor {
  return anyScope(c).actor;
}
