/**
 * The delivery seam for notifications (SPEC §5): services publish to a user after
 * their batch commits; streams subscribe per user. Deno uses the in-process hub
 * below; the Worker entry injects a Durable Object backed one.
 * @module
 */

export type NotificationEvent = { seq: number; data: unknown };

export interface NotificationHub {
  /** Delivers to the user's open streams; never throws into the write that caused it. */
  publish(userId: string, event: NotificationEvent): Promise<void>;
  /** Registers a listener for a user's events; the returned function unsubscribes. */
  subscribe(userId: string, listener: (event: NotificationEvent) => void): () => void;
}

/** One process's per-user listener sets; `listenerCount` lets tests prove clean-up. */
export function localHub(): NotificationHub & { listenerCount(): number } {
  const listeners = new Map<string, Set<(event: NotificationEvent) => void>>();
  return {
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    publish(userId, event) {
      for (const listener of listeners.get(userId) ?? []) {
        try {
          listener(event);
        } catch { /* a broken stream must not stop the others */ }
      }
      return Promise.resolve();
    },
    subscribe(userId, listener) {
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
