/**
 * Authentication and scope for every protected route: a bearer access token (or,
 * on the notification stream only, a stream ticket) checked against the database
 * on every request (see live-actor.ts), then the caller's scope.
 * @module
 */
import { eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { auditStatement } from "../audit/audit.ts";
import { tenants } from "../db/schema/index.ts";
import type { AppEnv } from "../lib/context.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { isUuid } from "../lib/ids.ts";
import { limitRequest } from "../lib/middleware.ts";
import { requestMeta } from "../lib/request-meta.ts";
import {
  type Actor,
  type PlatformScope,
  type Scope,
  scopeOf,
  type TenantScope,
} from "../scope/scope.ts";
import { verifyDownloadLink } from "./download-links.ts";
import { liveActor } from "./live-actor.ts";
import { redeemStreamTicket } from "./stream-tickets.ts";
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
  const { keys, config, clock } = c.get("deps");
  const claims = await verifyAccessToken(token, keys, config, clock());
  if ("code" in claims) throw unauthorized(claims.code, claims.message);
  return await liveActor(c.get("deps").db, claims.sub, claims.sid, clock());
}

/**
 * The user a download link acts as. A bad, expired or foreign link, or one
 * presented by another signed-in user, finds no file: 404, like any file
 * outside the caller's scope.
 */
async function linkActor(c: Context<AppEnv>, link: string): Promise<Actor> {
  const { keys, config, clock, db } = c.get("deps");
  const fileNotFound = notFound("File");
  const who = await verifyDownloadLink(link, keys, config, c.req.param("id") ?? "", clock());
  if (!who) throw fileNotFound;
  if (c.req.header("authorization")) {
    const caller = await authenticate(c, bearerToken(c));
    if (caller.userId !== who.userId) throw fileNotFound;
  }
  return await liveActor(db, who.userId, who.sessionId, clock());
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
 * Requires a valid token, rate-limits per user and then per tenant, and sets
 * `actor` and `scope`.
 * A platform admin's request inside a tenant is audited after it runs, whatever
 * its outcome, so an agency can see when the platform looked at its data.
 */
export function requireAuth(
  options: { streamTicket?: boolean; downloadLink?: boolean; tenant?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    const ticket = options.streamTicket ? c.req.query("ticket") : undefined;
    const link = options.downloadLink ? c.req.query("link") : undefined;
    let actor: Actor;
    try {
      actor = ticket
        ? await redeemStreamTicket(deps.db, ticket, deps.clock())
        : link
        ? await linkActor(c, link)
        : await authenticate(c, bearerToken(c));
    } catch (error) {
      // A refused credential is an anonymous call: guessing tokens costs the IP.
      if (error instanceof ApiError && error.status === 401) {
        await limitRequest(c, `ip:${c.get("ip")}`, deps.config.anonRateLimitPerMinute);
      }
      throw error;
    }
    await limitRequest(c, `user:${actor.userId}`, deps.config.rateLimitPerMinute);
    const scope = scopeOf(actor, await namedTenant(c, actor));
    // Checked after the user's own limit, so one user's refused flood cannot spend
    // the budget of the rest of the agency.
    if (scope.level !== "platform") {
      await limitRequest(c, `tenant:${scope.tenantId}`, deps.config.tenantRateLimitPerMinute);
    }
    // Tenant data routes refuse a platform admin without X-Tenant-ID here, before
    // the body and query are validated, so the answer does not depend on them.
    if (options.tenant && scope.level === "platform") throw tenantRequired();
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

const tenantRequired = () =>
  new ApiError(400, "tenant_required", "Name the tenant to act in with the X-Tenant-ID header.");

/** The caller's scope inside a tenant; a platform admin without X-Tenant-ID gets 400. */
export function tenantScope(c: Context<AppEnv>): TenantScope {
  const scope = c.get("scope");
  if (!scope) throw unauthorized("unauthorized", "Authentication required.");
  if (scope.level === "platform") throw tenantRequired();
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
