/**
 * The Workers NotificationHub: each user's events go through that user's Durable
 * Object (see user-notifications.ts), which reaches the user's streams in every
 * isolate.
 *
 * `publish` is an RPC call on the object, made after the write's batch committed.
 * `subscribe` links one stream to the object over a WebSocket: one link per stream,
 * because a Worker may only use an I/O object inside the request that created it.
 * The link comes up asynchronously; a publish that lands before the object took
 * the link reaches no one, so once it is up the listener gets a hint (`data: null`)
 * and the stream reads from the database whatever it missed. A link that breaks
 * (the object was reset by a deploy, or dropped the link for the stream cap) calls
 * `onLost`: the stream ends, and its client reconnects and replays from Last-Event-ID.
 * @module
 */
import type { DurableObjectNamespace, UpgradeResponse, WorkerWebSocket } from "./cloudflare.ts";
import type { NotificationEvent, NotificationHub, Recipient } from "../notifications/hub.ts";
import { type UserNotifications, userObjectName } from "./user-notifications.ts";

/** A hint that outranks any seq: "read from the database what you have not sent". */
const CATCH_UP: NotificationEvent = { seq: Number.MAX_SAFE_INTEGER, data: null };

/** The hub over the `USER_NOTIFICATIONS` Durable Object namespace. */
export function durableObjectHub(
  namespace: DurableObjectNamespace<UserNotifications>,
  log: (line: Record<string, unknown>) => void,
): NotificationHub {
  const objectOf = (to: Recipient) => namespace.get(namespace.idFromName(userObjectName(to)));
  return {
    async publish(to, event) {
      const started = Date.now();
      const links = await objectOf(to).publish(event);
      log({
        level: "info",
        event: "notification_published",
        user: to.userId,
        seq: event.seq,
        links,
        at: started,
        rpc_ms: Date.now() - started,
      });
    },
    subscribe(to, listener, onLost) {
      let socket: WorkerWebSocket | null = null;
      let done = false;
      const close = (ws: WorkerWebSocket) => {
        try {
          ws.close(1000, "stream ended");
        } catch { /* already closed */ }
      };
      const lost = (reason: string) => {
        if (done) return;
        done = true;
        log({ level: "warn", event: "notification_link_lost", user: to.userId, reason });
        onLost?.();
      };
      objectOf(to).fetch("https://user-notifications/link", { headers: { upgrade: "websocket" } })
        .then((response) => {
          const ws = (response as UpgradeResponse).webSocket;
          if (!ws) throw new Error(`the object answered ${response.status}`);
          ws.accept();
          if (done) return close(ws);
          socket = ws;
          ws.addEventListener("message", (message) => {
            try {
              listener(JSON.parse(String(message.data)) as NotificationEvent);
            } catch { /* not an event: ignore */ }
          });
          ws.addEventListener("close", (e) => {
            close(ws);
            lost(`closed ${e.code} ${e.reason}`);
          });
          ws.addEventListener("error", () => lost("error"));
          listener(CATCH_UP);
        })
        .catch((error) => lost(String(error)));
      return () => {
        done = true;
        if (socket) close(socket);
      };
    },
  };
}
