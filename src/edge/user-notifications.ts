/**
 * The per-user notifications Durable Object (SPEC §5), one per user, named after
 * its tenant and user id.
 *
 * It is built to cost nothing while its user is idle. A Durable Object holding an
 * open SSE response can never hibernate and is billed wall-clock for as long as the
 * stream is open; so the object holds no client stream. The Worker serves each
 * client's SSE stream itself and links to this object over a WebSocket, which the
 * object accepts with the Hibernation API (`ctx.acceptWebSocket`): between events
 * the object may be evicted from memory, its sockets stay connected, and the next
 * `publish` RPC wakes it. It keeps nothing in memory: the links are the runtime's
 * (`ctx.getWebSockets()`), and what it knows of each link is the socket's
 * attachment, which survives hibernation.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type {
  DurableObjectState,
  WebSocketPairConstructor,
  WorkerWebSocket,
} from "./cloudflare.ts";
import { loadConfig } from "../config.ts";
import { jsonLog } from "../lib/json-log.ts";
import type { NotificationEvent, Recipient } from "../notifications/hub.ts";

declare const WebSocketPair: WebSocketPairConstructor;

/** What the object remembers of a link, across hibernation: its place in the order of links. */
type LinkInfo = { n: number };

/** Close code telling the Worker its link was dropped for the per-user stream cap. */
const CLOSE_STREAM_CAP = 4001;

/** The object's name: one object per user, and a tenant's users never share one. */
export function userObjectName(to: Recipient): string {
  return `${to.tenantId ?? "platform"}:${to.userId}`;
}

export type UserNotificationsEnv = { SSE_MAX_STREAMS_PER_USER?: string };

const log = (line: Record<string, unknown>) => jsonLog({ level: "info", ...line });

const isOpen = (ws: WorkerWebSocket) => ws.readyState === WebSocket.OPEN;

/** One user's fan-out: every linked stream, in any isolate, gets each event once. */
export class UserNotifications extends DurableObject<UserNotificationsEnv> {
  /** SPEC §5's per-user stream cap, parsed as the Worker parses it. */
  private readonly cap: number;

  /** Runs on first use and on every wake from hibernation, with the links kept meanwhile. */
  constructor(ctx: DurableObjectState, env: UserNotificationsEnv) {
    super(ctx, env);
    this.cap = loadConfig({ SSE_MAX_STREAMS_PER_USER: env.SSE_MAX_STREAMS_PER_USER }).app
      .sseMaxStreamsPerUser;
    log({ event: "object_started", links: this.links().length });
  }

  /** Accepts a link from a Worker that serves one of the user's streams. */
  override fetch(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    const links = this.links();
    const info: LinkInfo = { n: links.reduce((n, link) => Math.max(n, link.info.n), 0) + 1 };
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(info);
    this.dropOldestBeyondCap([...links, { ws: pair[1], info }]);
    log({ event: "link_opened", links: Math.min(links.length + 1, this.cap) });
    return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
  }

  /** Sends the event to every linked stream; returns how many links it reached. */
  publish(event: NotificationEvent): number {
    const message = JSON.stringify(event);
    let reached = 0;
    // Order does not matter here: every open link gets the event.
    for (const ws of this.ctx.getWebSockets().filter(isOpen)) {
      try {
        ws.send(message);
        reached++;
      } catch { /* a socket closing under us: its close handler tidies up */ }
    }
    return reached;
  }

  /** Links carry events one way; anything a Worker sends is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WorkerWebSocket, code: number, reason: string): void {
    this.unlink(ws, code, reason);
  }

  override webSocketError(ws: WorkerWebSocket): void {
    this.unlink(ws, 1011, "link error");
  }

  private unlink(ws: WorkerWebSocket, code: number, reason: string): void {
    try {
      // Completes the closing handshake (a no-op where the runtime already replied).
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch { /* already closed */ }
    log({ event: "link_closed", links: this.links().filter((l) => l.ws !== ws).length });
  }

  /** The open links, oldest first. */
  private links(): { ws: WorkerWebSocket; info: LinkInfo }[] {
    return this.ctx.getWebSockets().filter(isOpen)
      .map((ws) => ({ ws, info: (ws.deserializeAttachment() ?? { n: 0 }) as LinkInfo }))
      .sort((a, b) => a.info.n - b.info.n);
  }

  /**
   * SPEC §5's per-user stream cap, across every isolate: the oldest links beyond it
   * are closed, and their Workers end those streams.
   */
  private dropOldestBeyondCap(links: { ws: WorkerWebSocket }[]): void {
    for (const { ws } of links.slice(0, Math.max(0, links.length - this.cap))) {
      try {
        ws.close(CLOSE_STREAM_CAP, "stream cap reached");
      } catch { /* already closed */ }
    }
  }
}
