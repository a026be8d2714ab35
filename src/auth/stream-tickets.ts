/**
 * Stream tickets (SPEC §5): a browser's EventSource cannot send headers, and a
 * long-lived token must never sit in a URL (logs, history, referrers). A ticket is
 * random, stored only as its SHA-256, valid for a minute, opens one stream once,
 * and carries the session it was issued under, so logout ends it too.
 * @module
 */
import { and, eq, gt, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { stream_tickets } from "../db/schema/index.ts";
import { ApiError } from "../lib/errors.ts";
import type { Actor } from "../scope/scope.ts";
import { liveActor } from "./live-actor.ts";
import { digestToken, newOpaqueToken } from "./tokens.ts";

export const STREAM_TICKET_TTL_SECONDS = 60;

/** Issues a ticket for the actor's own stream. */
export async function issueStreamTicket(
  db: Database,
  actor: Actor,
  now: Date,
): Promise<{ ticket: string; expires_in: number }> {
  const ticket = newOpaqueToken();
  await db.insert(stream_tickets).values({
    token_hash: await digestToken(ticket),
    user_id: actor.userId,
    session_id: actor.sessionId,
    expires_at: new Date(now.getTime() + STREAM_TICKET_TTL_SECONDS * 1000).toISOString(),
  });
  return { ticket, expires_in: STREAM_TICKET_TTL_SECONDS };
}

/** Spends a ticket: one atomic update, so two requests racing with it cannot both win. */
export async function redeemStreamTicket(db: Database, ticket: string, now: Date): Promise<Actor> {
  const at = now.toISOString();
  const [row] = await db.update(stream_tickets).set({ used_at: at }).where(and(
    eq(stream_tickets.token_hash, await digestToken(ticket)),
    isNull(stream_tickets.used_at),
    gt(stream_tickets.expires_at, at),
  )).returning({ user_id: stream_tickets.user_id, session_id: stream_tickets.session_id });
  if (!row) {
    throw new ApiError(401, "invalid_ticket", "This stream ticket is unknown, used or expired.");
  }
  return await liveActor(db, row.user_id, row.session_id, now);
}

/** Deletes tickets that can no longer be used (run by the scheduled job). */
export async function purgeStreamTickets(db: Database, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.delete(stream_tickets).where(
    or(lt(stream_tickets.expires_at, at), isNotNull(stream_tickets.used_at)),
  );
}
