/**
 * Seeded notifications. Trigger notifications (task assigned, task moved, visa
 * application and application moves) come from the services' own trigger
 * functions as the casework is built; the scheduled ones (reminders due, visas
 * and passports expiring) come from the scheduled job's own selection, run at the
 * reference instant once every row is in. `seq` counts each recipient's
 * notifications from 1 in the order they happened, as the write path numbers them.
 * @module
 */
import { asc } from "drizzle-orm";
import { notifications, tenants } from "../db/schema/index.ts";
import { notificationFields } from "../notifications/notify.ts";
import { scheduledDrafts } from "../notifications/scheduled.ts";
import type { TenantContext } from "./context.ts";
import { mixSeed, type SeedClock, SeedRandom } from "./random.ts";
import { type SeedTarget, writeRows } from "./writer.ts";

const HOUR_MS = 3_600_000;

/** Per-recipient `seq` counters shared by every phase of a run. */
export type SeqCounters = Map<string, number>;

function nextSeq(counters: SeqCounters, recipientId: string): number {
  const seq = (counters.get(recipientId) ?? 0) + 1;
  counters.set(recipientId, seq);
  return seq;
}

/** Turns the tenant's pending trigger notifications into rows, oldest first. */
export function addTriggerNotifications(ctx: TenantContext, counters: SeqCounters): void {
  const { rng, clock, rows } = ctx;
  const pending = ctx.notifications.map((p, i) => ({ ...p, i }))
    .sort((a, b) => a.atMs - b.atMs || a.i - b.i);
  for (const p of pending) {
    // Staff have read most of what is more than two days old.
    const read = rng.chance(p.atMs < clock.daysAgo(2) ? 0.85 : 0.2);
    const readMs = Math.min(p.atMs + rng.int(1, 36) * HOUR_MS, clock.nowMs);
    rows.add(notifications, {
      id: rng.id(p.atMs),
      seq: nextSeq(counters, p.draft.recipientId),
      ...notificationFields(p.draft, clock.iso(p.atMs)),
      read,
      read_at: read ? clock.iso(readMs) : null,
      is_completed: p.completed,
    });
  }
}

/**
 * Runs the scheduled job's selection for every tenant at the reference instant
 * and writes what it would have sent (one batch per tenant). Returns the count.
 */
export async function addScheduledNotifications(
  { db, run }: SeedTarget,
  seed: number,
  clock: SeedClock,
  counters: SeqCounters,
  maxParams?: number,
): Promise<number> {
  const all = await db.select().from(tenants).orderBy(asc(tenants.created_at), asc(tenants.id));
  let created = 0;
  for (const [i, tenant] of all.entries()) {
    const rng = new SeedRandom(mixSeed(seed, 0x5ced, i));
    const drafts = await scheduledDrafts(db, tenant, clock.now);
    const rows = drafts.map((draft) => ({
      id: rng.id(clock.nowMs),
      seq: nextSeq(counters, draft.recipientId),
      ...notificationFields(draft, clock.iso(clock.nowMs)),
      read: false,
      read_at: null,
      is_completed: false,
    }));
    await writeRows(run, new Map([[notifications, rows]]), maxParams);
    created += rows.length;
  }
  return created;
}
