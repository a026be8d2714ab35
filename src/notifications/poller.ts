/**
 * Cross-instance delivery for the Deno hub (SPEC §5): the in-process hub only sees
 * writes made by its own instance, so each instance also polls, once a second, the
 * latest seq of every user with an open stream here — one query on the
 * (recipient_id, seq) index for all of them — and wakes the streams of users
 * with something new. A wake carries no data; the stream reads what it missed from
 * the database, so a notification is never sent twice.
 * @module
 */
import { inArray, max } from "drizzle-orm";
import { IDS_PER_STATEMENT } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import { notifications } from "../db/schema/index.ts";
import type { NotificationHub } from "./hub.ts";
import type { StreamRegistry } from "./stream.ts";

/** Polls one round: wakes users whose latest seq moved since the last round. */
export function notificationPoller(db: Database, hub: NotificationHub, streams: StreamRegistry) {
  const known = new Map<string, number>();
  return async function poll(): Promise<void> {
    const userIds = streams.users();
    const connected = new Set(userIds);
    for (const id of known.keys()) if (!connected.has(id)) known.delete(id);
    for (let i = 0; i < userIds.length; i += IDS_PER_STATEMENT) {
      const rows = await db.select({
        user: notifications.recipient_id,
        tenant: notifications.tenant_id,
        seq: max(notifications.seq),
      })
        .from(notifications).where(
          inArray(notifications.recipient_id, userIds.slice(i, i + IDS_PER_STATEMENT)),
        )
        // A user's notifications all carry its tenant: grouping by both keeps one row per user.
        .groupBy(notifications.recipient_id, notifications.tenant_id);
      for (const { user, tenant, seq } of rows) {
        if (seq === null) continue;
        const seen = known.get(user);
        known.set(user, seq);
        // A user's first round wakes it too: a write may have landed between its
        // stream's start and this poll. A stream already past `seq` ignores it.
        if (seen === undefined || seq > seen) {
          await hub.publish({ tenantId: tenant, userId: user }, { seq, data: null });
        }
      }
    }
  };
}
