/**
 * The delivery seam for notifications (SPEC §5): services publish to a user after
 * their batch commits; streams subscribe per user. Deno uses the in-process hub
 * below; the Worker entry injects a Durable Object backed one.
 * @module
 */

/**
 * `data: null` is a hint: "something up to `seq` may have been committed", and the
 * stream reads what it missed from the database.
 */
export type NotificationEvent = { seq: number; data: unknown };

/** Whose notifications: the Workers hub names the user's Durable Object after both. */
export type Recipient = { tenantId: string | null; userId: string };

export interface NotificationHub {
  /** Delivers to the user's open streams; never throws into the write that caused it. */
  publish(to: Recipient, event: NotificationEvent): Promise<void>;
  /**
   * Registers a listener for a user's events; the returned function unsubscribes.
   * A hub whose link to the user can break (the Workers one) calls `onLost` when it
   * does, so the stream ends and its client reconnects and replays from Last-Event-ID.
   */
  subscribe(
    to: Recipient,
    listener: (event: NotificationEvent) => void,
    onLost?: () => void,
  ): () => void;
}

/** One process's per-user listener sets; `listenerCount` lets tests prove clean-up. */
export function localHub(): NotificationHub & { listenerCount(): number } {
  const listeners = new Map<string, Set<(event: NotificationEvent) => void>>();
  return {
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    publish({ userId }, event) {
      for (const listener of listeners.get(userId) ?? []) {
        try {
          listener(event);
        } catch { /* a broken stream must not stop the others */ }
      }
      return Promise.resolve();
    },
    subscribe({ userId }, listener) {
      const set = listeners.get(userId) ?? new Set();
      set.add(listener);
      listeners.set(userId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(userId);
      };
    },
  };
}
