/**
 * Stand-in for the `cloudflare:workers` module, for `deno check` only: deno.json
 * maps the specifier here, while wrangler's bundler leaves it external and workerd
 * supplies the real class (RPC on a Durable Object needs that base class).
 * @module
 */
import type { DurableObjectState, WorkerWebSocket } from "./cloudflare.ts";

/** Base class of a Durable Object with RPC methods. */
export abstract class DurableObject<Env = unknown> {
  protected ctx: DurableObjectState;
  protected env: Env;
  constructor(ctx: DurableObjectState, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
  fetch?(request: Request): Response | Promise<Response>;
  webSocketMessage?(ws: WorkerWebSocket, message: string | ArrayBuffer): void | Promise<void>;
  webSocketClose?(
    ws: WorkerWebSocket,
    code: number,
    reason: string,
    wasClean: boolean,
  ): void | Promise<void>;
  webSocketError?(ws: WorkerWebSocket, error: unknown): void | Promise<void>;
  alarm?(): void | Promise<void>;
}
