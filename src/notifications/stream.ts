/**
 * One user's notification stream (SPEC §5), independent of the runtime: the Deno
 * server and the Worker both serve it, fed by whatever hub they were built with.
 *
 * Nothing may be lost or repeated. The stream subscribes to the hub before it
 * reads the database, so an event committed while the replay runs waits in the
 * queue; each event is then sent only if its `seq` is the next one, and any gap
 * (a publish that never arrived, a hint without data) is filled from the
 * database. `seq` is gap-free per user, so "next" is exact.
 * @module
 */
import { and, asc, eq, gt, max } from "drizzle-orm";
import type { SSEStreamingApi } from "hono/streaming";
import type { Database } from "../db/database.ts";
import { notifications } from "../db/schema/index.ts";
import type { NotificationEvent, NotificationHub } from "./hub.ts";
import { type Notification, toNotification } from "./notification.ts";

const REPLAY_PAGE = 500;
/** Live events a stalled client may queue before the stream drops them and rereads the database. */
const MAX_QUEUED = 1000;

/** Tracks each user's open streams, closing the oldest beyond the cap. */
export type StreamRegistry = {
  open(userId: string, close: () => void): () => void;
  /** Open streams in this process (for tests and metrics). */
  size(): number;
  /** Users with at least one open stream here. */
  users(): string[];
  /** Ends every stream (a server shutting down: clients resume with Last-Event-ID). */
  closeAll(): void;
};

/** A per-process registry; `maxPerUser` comes from SSE_MAX_STREAMS_PER_USER. */
export function streamRegistry(maxPerUser: number): StreamRegistry {
  const byUser = new Map<string, Set<() => void>>();
  let total = 0;
  const drop = (userId: string, streams: Set<() => void>, close: () => void) => {
    if (!streams.delete(close)) return false;
    total--;
    if (streams.size === 0) byUser.delete(userId);
    return true;
  };
  return {
    open(userId, close) {
      const streams = byUser.get(userId) ?? new Set();
      byUser.set(userId, streams);
      streams.add(close);
      total++;
      // Sets iterate in insertion order: the first is the oldest.
      for (const oldest of streams) {
        if (streams.size <= maxPerUser) break;
        if (drop(userId, streams, oldest)) oldest();
      }
      return () => void drop(userId, streams, close);
    },
    size: () => total,
    users: () => [...byUser.keys()],
    closeAll() {
      for (const [userId, streams] of byUser) {
        for (const close of streams) if (drop(userId, streams, close)) close();
      }
    },
  };
}

export type StreamOptions = {
  db: Database;
  hub: NotificationHub;
  registry: StreamRegistry;
  userId: string;
  /** The user's tenant (null for the platform admin): the hub may address the user by both. */
  tenantId: string | null;
  /** Last-Event-ID: resume after it; null starts with the next new notification. */
  afterSeq: number | null;
  heartbeatMs: number;
  /** Re-checks the session at heartbeat pace; false ends the stream. */
  stillAllowed: () => Promise<boolean>;
  /** The runtime's own disconnect signal, when it has one besides the stream's abort. */
  signal?: AbortSignal;
};

async function latestSeq(db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ seq: max(notifications.seq) }).from(notifications).where(
    eq(notifications.recipient_id, userId),
  );
  return row?.seq ?? 0;
}

function missedSince(db: Database, userId: string, afterSeq: number): Promise<Notification[]> {
  return db.select().from(notifications)
    .where(and(eq(notifications.recipient_id, userId), gt(notifications.seq, afterSeq)))
    .orderBy(asc(notifications.seq)).limit(REPLAY_PAGE)
    .then((rows) => rows.map(toNotification));
}

/** Runs a stream until the client leaves, the session ends, or a newer stream evicts it. */
export async function pumpNotifications(stream: SSEStreamingApi, o: StreamOptions): Promise<void> {
  const queue: NotificationEvent[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const end = () => {
    ended = true;
    wake?.();
    // Also unblocks a write waiting on a client that stopped reading.
    stream.abort();
  };
  const unsubscribe = o.hub.subscribe({ tenantId: o.tenantId, userId: o.userId }, (event) => {
    // A client that stopped reading must not grow the queue without bound: keep
    // one data-less hint instead, and the database fills the gap when it resumes.
    if (queue.length >= MAX_QUEUED) queue.splice(0, queue.length, { seq: event.seq, data: null });
    else queue.push(event);
    wake?.();
  }, end);
  const release = o.registry.open(o.userId, end);
  stream.onAbort(end);
  o.signal?.addEventListener("abort", end);

  let last = 0;
  const send = async (n: Notification) => {
    await stream.writeSSE({ id: String(n.seq), event: "notification", data: JSON.stringify(n) });
    last = n.seq;
  };
  const fillFrom = async (after: number) => {
    for (let page = await missedSince(o.db, o.userId, after); page.length > 0 && !ended;) {
      for (const n of page) await send(n);
      page = page.length === REPLAY_PAGE ? await missedSince(o.db, o.userId, last) : [];
    }
  };
  const nextEventOrHeartbeat = () =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), o.heartbeatMs);
      wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    }).finally(() => (wake = null));

  try {
    // A Last-Event-ID beyond the latest (another user's, a reset database) would
    // silence the stream; it resumes from the latest instead.
    const latest = await latestSeq(o.db, o.userId);
    last = o.afterSeq === null ? latest : Math.min(o.afterSeq, latest);
    // Sent once `last` is fixed: whatever commits after the client sees this frame
    // has a larger seq and will be delivered. `retry` paces EventSource reconnects.
    await stream.write("retry: 2000\n: connected\n\n");
    await fillFrom(last);
    let checkedAt = Date.now();
    while (!ended) {
      if (queue.length === 0 && !(await nextEventOrHeartbeat()) && !ended) {
        await stream.write(": heartbeat\n\n");
      }
      if (Date.now() - checkedAt >= o.heartbeatMs) {
        checkedAt = Date.now();
        if (!(await o.stillAllowed())) break;
      }
      const event = queue.shift();
      if (!event || event.seq <= last || ended) continue;
      if (event.seq === last + 1 && event.data) await send(event.data as Notification);
      else await fillFrom(last);
    }
  } finally {
    unsubscribe();
    release();
    o.signal?.removeEventListener("abort", end);
  }
}
