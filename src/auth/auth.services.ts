/**
 * Sessions: login, refresh-token rotation with reuse detection, logout, password
 * change. Each writes in one batch.
 * @module
 */
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { auditStatement } from "../audit/audit.ts";
import { guard, runBatch } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import { auth_sessions, refresh_tokens, tenants, users } from "../db/schema/index.ts";
import type { AppDeps } from "../lib/context.ts";
import { ApiError } from "../lib/errors.ts";
import { uuidv7 } from "../lib/ids.ts";
import { checkRateLimit, recordFailure } from "../lib/middleware.ts";
import type { RequestMeta } from "../lib/request-meta.ts";
import type { User } from "../modules/users/users.schemas.ts";
import type { Actor } from "../scope/scope.ts";
import { digestToken, newOpaqueToken, signAccessToken } from "./tokens.ts";

export type TokenPair = {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
  user: User;
};

const badCredentials = () =>
  new ApiError(401, "invalid_credentials", "The email or password is not correct.");
const badRefresh = () =>
  new ApiError(401, "invalid_refresh_token", "The refresh token is not valid; log in again.");

function publicUser(row: typeof users.$inferSelect): User {
  const { password_hash: _hidden, ...user } = row;
  return user;
}

async function issueTokens(
  deps: AppDeps,
  user: User,
  sessionId: string,
): Promise<{ access: string; refresh: string; refreshHash: string }> {
  const access = await signAccessToken(
    {
      sub: user.id,
      tid: user.tenant_id,
      rid: user.region_id,
      bid: user.branch_id,
      role: user.role,
      sid: sessionId,
    },
    deps.keys,
    deps.config,
    deps.clock(),
  );
  const refresh = newOpaqueToken();
  return { access, refresh, refreshHash: await digestToken(refresh) };
}

function refreshRow(deps: AppDeps, sessionId: string, hash: string, now: Date) {
  const expires = new Date(now.getTime() + deps.config.refreshTokenTtlDays * 86_400_000);
  return deps.db.insert(refresh_tokens).values({
    token_hash: hash,
    session_id: sessionId,
    created_at: now.toISOString(),
    expires_at: expires.toISOString(),
  });
}

async function loadUserForLogin(db: Database, email: string) {
  const [row] = await db.select({ user: users, tenant_active: tenants.is_active }).from(users)
    .leftJoin(tenants, eq(tenants.id, users.tenant_id)).where(eq(users.email, email)).limit(1);
  return row;
}

/**
 * Checks the password and opens a session. Failed attempts are limited per IP and
 * per account (a locked-out owner with the right password waits too: the limit
 * must not tell a guesser when it found the password); an unknown email costs the same hashing time as a known one, and every
 * refusal says the same thing, so neither timing nor text reveals who has an account.
 */
export async function login(
  deps: AppDeps,
  meta: RequestMeta,
  input: { email: string; password: string },
): Promise<TokenPair> {
  const limit = deps.config.loginRateLimitPerMinute;
  const keys = [`login-ip:${meta.ip}`, `login-account:${input.email}`];
  for (const key of keys) await checkRateLimit(deps, key, limit, "failures");
  const refuse = async () => {
    for (const key of keys) await recordFailure(deps, key, limit);
    return badCredentials();
  };

  const row = await loadUserForLogin(deps.db, input.email);
  if (!row) {
    await deps.passwords.burn(input.password);
    throw await refuse();
  }
  if (!await deps.passwords.verify(input.password, row.user.password_hash)) throw await refuse();
  if (!row.user.is_active) throw await refuse();
  if (row.user.tenant_id !== null && row.tenant_active !== true) {
    throw new ApiError(403, "tenant_suspended", "This agency's account is suspended.");
  }

  const now = meta.now;
  const sessionId = uuidv7(now.getTime());
  const user = { ...publicUser(row.user), last_login: now.toISOString() };
  const tokens = await issueTokens(deps, user, sessionId);
  const sessionExpires = new Date(now.getTime() + deps.config.refreshTokenTtlDays * 86_400_000);
  await runBatch(deps.db, [
    deps.db.insert(auth_sessions).values({
      id: sessionId,
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: sessionExpires.toISOString(),
    }),
    refreshRow(deps, sessionId, tokens.refreshHash, now),
    deps.db.update(users).set({ last_login: user.last_login }).where(eq(users.id, user.id)),
  ]);
  return pair(deps, tokens, user);
}

function pair(deps: AppDeps, tokens: { access: string; refresh: string }, user: User): TokenPair {
  return {
    access_token: tokens.access,
    refresh_token: tokens.refresh,
    token_type: "Bearer",
    expires_in: deps.config.accessTokenTtlSeconds,
    user,
  };
}

/** Ends a session (the whole refresh-token family) for a reason. */
export function revokeSessionStatement(db: Database, sessionId: string, now: Date, reason: string) {
  return db.update(auth_sessions).set({ revoked_at: now.toISOString(), revoked_reason: reason })
    .where(and(eq(auth_sessions.id, sessionId), isNull(auth_sessions.revoked_at)));
}

/** Ends every open session of a user (deactivation, password reset). */
export function revokeUserSessionsStatement(
  db: Database,
  userId: string,
  now: Date,
  reason: string,
) {
  return db.update(auth_sessions).set({ revoked_at: now.toISOString(), revoked_reason: reason })
    .where(and(eq(auth_sessions.user_id, userId), isNull(auth_sessions.revoked_at)));
}

/**
 * Rotates a refresh token: the presented one is spent and a new one of the same
 * session returned. Presenting a spent token means it was copied: the whole
 * session is revoked, so the thief's and the owner's tokens both stop working.
 */
export async function refresh(deps: AppDeps, meta: RequestMeta, token: string): Promise<TokenPair> {
  const { db } = deps;
  const hash = await digestToken(token);
  const [row] = await db.select({
    token: refresh_tokens,
    session: auth_sessions,
    user: users,
    tenant_active: tenants.is_active,
  }).from(refresh_tokens)
    .innerJoin(auth_sessions, eq(auth_sessions.id, refresh_tokens.session_id))
    .innerJoin(users, eq(users.id, auth_sessions.user_id))
    .leftJoin(tenants, eq(tenants.id, users.tenant_id))
    .where(eq(refresh_tokens.token_hash, hash)).limit(1);
  const now = meta.now;
  const nowIso = now.toISOString();
  if (!row) throw badRefresh();

  const reuse = async () => {
    await revokeSessionStatement(db, row.session.id, now, "refresh_token_reused");
    return new ApiError(
      401,
      "refresh_token_reused",
      "This refresh token was already used; the session is closed.",
    );
  };
  if (row.token.used_at !== null) throw await reuse();
  if (row.session.revoked_at !== null || row.token.expires_at <= nowIso) throw badRefresh();
  if (!row.user.is_active) throw new ApiError(401, "user_inactive", "This account is deactivated.");
  if (row.user.tenant_id !== null && row.tenant_active !== true) {
    throw new ApiError(401, "tenant_suspended", "This agency's account is suspended.");
  }

  const user = publicUser(row.user);
  const tokens = await issueTokens(deps, user, row.session.id);
  try {
    await runBatch(db, [
      // Two concurrent refreshes with one token: the second finds it spent.
      guard(
        sql`EXISTS (SELECT 1 FROM ${refresh_tokens} WHERE ${refresh_tokens.token_hash} = ${hash} AND ${refresh_tokens.used_at} IS NULL)`,
        badRefresh(),
      ),
      db.update(refresh_tokens).set({ used_at: nowIso }).where(eq(refresh_tokens.token_hash, hash)),
      refreshRow(deps, row.session.id, tokens.refreshHash, now),
    ]);
  } catch (error) {
    if (error instanceof ApiError && error.code === "invalid_refresh_token") throw await reuse();
    throw error;
  }
  return pair(deps, tokens, user);
}

/** Closes the session a refresh token belongs to; unknown tokens are ignored. */
export async function logout(deps: AppDeps, meta: RequestMeta, token: string): Promise<void> {
  const hash = await digestToken(token);
  const [row] = await deps.db.select({ session_id: refresh_tokens.session_id }).from(refresh_tokens)
    .where(eq(refresh_tokens.token_hash, hash)).limit(1);
  if (row) await revokeSessionStatement(deps.db, row.session_id, meta.now, "logout");
}

/** Loads the caller's own user row. */
export async function getSelf(db: Database, actor: Actor): Promise<User> {
  const [row] = await db.select().from(users).where(eq(users.id, actor.userId)).limit(1);
  if (!row) throw new ApiError(401, "unauthorized", "Authentication required.");
  return publicUser(row);
}

/** Changes the caller's own password and ends its other sessions. */
export async function changePassword(
  deps: AppDeps,
  meta: RequestMeta,
  actor: Actor,
  input: { current_password: string; new_password: string },
): Promise<void> {
  const { db } = deps;
  await checkRateLimit(
    deps,
    `login-account-id:${actor.userId}`,
    deps.config.loginRateLimitPerMinute,
  );
  const [row] = await db.select({ hash: users.password_hash }).from(users).where(
    eq(users.id, actor.userId),
  );
  if (!row || !await deps.passwords.verify(input.current_password, row.hash)) {
    throw new ApiError(422, "validation_error", "The current password is not correct.", [
      { path: ["current_password"], message: "Incorrect password" },
    ]);
  }
  const nowIso = meta.now.toISOString();
  await runBatch(db, [
    db.update(users).set({
      password_hash: await deps.passwords.hash(input.new_password),
      updated_at: nowIso,
      updated_by: actor.userId,
    }).where(eq(users.id, actor.userId)),
    db.update(auth_sessions).set({ revoked_at: nowIso, revoked_reason: "password_changed" })
      .where(and(
        eq(auth_sessions.user_id, actor.userId),
        isNull(auth_sessions.revoked_at),
        ne(auth_sessions.id, actor.sessionId),
      )),
    auditStatement(db, actor, meta, {
      tenantId: actor.tenantId,
      action: "password_set",
      entityType: "user",
      entityId: actor.userId,
    }),
  ]);
}
