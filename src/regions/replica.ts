/**
 * A far region's copy of the primary: a local embedded file that only this loop
 * writes, by replaying the primary's log (replication-log.ts) in order. It keeps
 * the primary's feed open, so a write there shows here one network trip after
 * it commits; a feed silent for three heartbeats counts as broken and is opened
 * again. Requests wait on `caughtUp` for a position they need (their own write,
 * or a bookmark they were given).
 * @module
 */
import type { Client } from "@libsql/client";
import { noteWrite } from "../db/count-cache.ts";
import type { Database } from "../db/database.ts";
import { DATABASE_ID_HEADER, FEED_PATH } from "./replication-feed.ts";
import { applyLog, databaseId, type LogEntry, logPosition } from "./replication-log.ts";

export type ReplicaOptions = {
  client: Client;
  /** The app's handle on the same file, whose cached counts a replayed write invalidates. */
  db: Database;
  primaryUrl: string;
  secret: string;
  /** How often an idle feed says it is alive. */
  heartbeatMs: number;
  /** The pause before opening the feed again after the primary could not be reached. */
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

/** An entry the primary sent that this file could not apply. */
class ReplayError extends Error {
  constructor(cause: unknown) {
    super("replaying the primary's log failed", { cause });
  }
}

export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const fetchFeed = options.fetch ?? fetch;
  let position = await logPosition(options.client);
  const ownId = await databaseId(options.client, false);
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

  const apply = async (entries: LogEntry[]) => {
    if (entries.length === 0) return;
    // Positions have no gaps (AUTOINCREMENT inside serialised write transactions).
    if (entries[0].position !== position + 1) {
      throw new Error(`replication feed skipped from ${position} to ${entries[0].position}`);
    }
    await applyLog(options.client, entries);
    position = entries[entries.length - 1].position;
    noteWrite(options.db);
  };

  /** Follows the feed until it ends or breaks. */
  const follow = async (): Promise<void> => {
    const url = new URL(FEED_PATH, options.primaryUrl);
    url.searchParams.set("after", String(position));
    const silence = new AbortController();
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const listen = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => silence.abort(), 3 * options.heartbeatMs);
    };
    listen();
    const response = await fetchFeed(url, {
      headers: { authorization: `Bearer ${options.secret}` },
      signal: AbortSignal.any([stopping.signal, silence.signal]),
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`replication feed answered ${response.status}`);
    }
    const primaryId = Number(response.headers.get(DATABASE_ID_HEADER));
    if (primaryId !== ownId) {
      await response.body.cancel();
      throw new ReplayError(
        new Error(`this file (database id ${ownId}) is not a copy of the primary's (${primaryId})`),
      );
    }
    let buffered = "";
    try {
      for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
        listen();
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            await apply((JSON.parse(line) as { entries?: LogEntry[] }).entries ?? []);
          } catch (error) {
            throw new ReplayError(error);
          }
          lastSync = new Date();
          if (staleSince) options.log({ level: "info", replica: "in_sync", position });
          staleSince = null;
          settle();
        }
      }
    } finally {
      clearTimeout(quiet);
    }
    throw new Error("replication feed ended");
  };

  const loop = (async () => {
    while (running) {
      try {
        await follow();
      } catch (error) {
        if (!running) break;
        if (error instanceof ReplayError) {
          // Not the network: this file and the primary's disagree (a schema not yet
          // migrated here, or a copy that was not the primary's). Said every time.
          options.log({
            level: "error",
            replica: "replay_failed",
            position,
            error: String(error.cause),
          });
          staleSince ??= lastSync ?? new Date();
        } else if (!staleSince) {
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
