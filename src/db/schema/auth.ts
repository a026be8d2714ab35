/**
 * Sign-in sessions and their rotating refresh tokens.
 * @module
 */
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./tenancy.ts";

/**
 * One login = one session (the refresh-token family). Access tokens carry its id as
 * `sid`, so revoking the session ends the access token at once, not at its expiry.
 */
export const auth_sessions = sqliteTable("auth_sessions", {
  id: text("id").primaryKey(),
  user_id: text("user_id").notNull().references(() => users.id),
  created_at: text("created_at").notNull(),
  expires_at: text("expires_at").notNull(),
  revoked_at: text("revoked_at"),
  revoked_reason: text("revoked_reason"),
}, (t) => [index("auth_sessions_user_idx").on(t.user_id, t.revoked_at)]);

/** Only a SHA-256 of each refresh token is stored: a leaked table grants nothing. */
export const refresh_tokens = sqliteTable("refresh_tokens", {
  token_hash: text("token_hash").primaryKey(),
  session_id: text("session_id").notNull().references(() => auth_sessions.id),
  created_at: text("created_at").notNull(),
  expires_at: text("expires_at").notNull(),
  used_at: text("used_at"),
}, (t) => [index("refresh_tokens_session_idx").on(t.session_id)]);
