/**
 * A far region's copy of the primary: a local embedded file that only this loop
 * writes, by replaying the primary's log (replication-log.ts) in order. It holds
 * a long poll open on the primary's feed, so a write there shows here one
 * network trip after it commits. Requests wait on `caughtUp` for a position
 * they need (their own write, or a bookmark they were given).
 * @module
 */
import type { Client } from "@libsql/client";
import { noteWrite } from "../db/count-cache.ts";
import type { Database } from "../db/database.ts";
import { FEED_PATH } from "./replication-feed.ts";
import { applyLog, type LogEntry, logPosition } from "./replication-log.ts";

export type ReplicaOptions = {
  client: Client;
  /** The app's handle on the same file, whose cached counts a replayed write invalidates. */
  db: Database;
  primaryUrl: string;
  secret: string;
  /** How long the primary may hold one poll when nothing is written. */
  pollWaitMs: number;
  /** The pause before polling again after the primary could not be reached. */
  retryMs: number;
  log: (line: Record<string, unknown>) => void;
  fetch?: typeof fetch;
};

export type Replica = {
  /** The newest primary position applied here. */
  position(): number;
  /** Resolves true once `position` is applied, false if `timeoutMs` passes first. */
  caughtUp(position: number, timeoutMs: number): Promise<boolean>;
  /** Null while the primary answers; else when this replica last heard from it. */
  staleSince(): Date | null;
  lastSync(): Date | null;
  stop(): Promise<void>;
};

type Waiter = { position: number; done: (ok: boolean) => void };

export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const fetchFeed = options.fetch ?? fetch;
  let position = await logPosition(options.client);
  let lastSync: Date | null = null;
  let staleSince: Date | null = new Date();
  let waiters: Waiter[] = [];
  let running = true;
  const stopping = new AbortController();

  const settle = () => {
    const ready = waiters.filter((w) => w.position <= position);
    waiters = waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.done(true);
  };

  const pollOnce = async (): Promise<void> => {
    const url = new URL(FEED_PATH, options.primaryUrl);
    url.searchParams.set("after", String(position));
    url.searchParams.set("wait_ms", String(options.pollWaitMs));
    const response = await fetchFeed(url, {
      headers: { authorization: `Bearer ${options.secret}` },
      signal: AbortSignal.any([
        stopping.signal,
        AbortSignal.timeout(options.pollWaitMs + 10_000),
      ]),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`replication feed answered ${response.status}`);
    }
    const { entries } = await response.json() as { entries: LogEntry[] };
    if (entries.length > 0) {
      if (entries[0].position <= position) throw new Error("replication feed went backwards");
      await applyLog(options.client, entries);
      position = entries[entries.length - 1].position;
      noteWrite(options.db);
    }
    lastSync = new Date();
    if (staleSince) options.log({ level: "info", replica: "in_sync", position });
    staleSince = null;
    settle();
  };

  const loop = (async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (!running) break;
        if (!staleSince) {
          staleSince = lastSync ?? new Date();
          options.log({ level: "warn", replica: "primary_unreachable", error: String(error) });
        }
        await new Promise((r) => setTimeout(r, options.retryMs));
      }
    }
  })();

  return {
    position: () => position,
    caughtUp(wanted, timeoutMs) {
      if (wanted <= position) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs);
        const waiter: Waiter = {
          position: wanted,
          done: (ok) => {
            clearTimeout(timer);
            resolve(ok);
          },
        };
        waiters.push(waiter);
      });
    },
    staleSince: () => staleSince,
    lastSync: () => lastSync,
    stop: async () => {
      running = false;
      stopping.abort();
      for (const waiter of waiters) waiter.done(false);
      waiters = [];
      await loop;
    },
  };
}
