/**
 * Notifications across the serving threads of one Deno process (SERVE_THREADS):
 * the local hub of each thread, joined by a BroadcastChannel, so a write on one
 * thread reaches a stream held by another at once instead of at the next poll
 * (up to NOTIFICATION_POLL_MS: p99 1,000 ms at 1,000 streams in `deno task
 * bench`). The poller still covers other processes; a stream drops any `seq` it
 * has already sent, so an event arriving twice is sent once.
 * @module
 */
import { localHub, type NotificationEvent, type NotificationHub, type Recipient } from "./hub.ts";

const CHANNEL = "leopard-notifications";

type Message = { to: Recipient; event: NotificationEvent };

export function threadHub(): NotificationHub & { close(): void } {
  const local = localHub();
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<Message>) => local.publish(e.data.to, e.data.event);
  return {
    async publish(to, event) {
      await local.publish(to, event);
      channel.postMessage({ to, event } satisfies Message);
    },
    subscribe: (to, listener, onLost) => local.subscribe(to, listener, onLost),
    close: () => channel.close(),
  };
}
