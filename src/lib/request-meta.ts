/**
 * The request facts that writes record (audit) and use (time), taken from context
 * once so services do not depend on Hono.
 * @module
 */
import type { Context } from "hono";
import type { NotificationHub } from "../notifications/hub.ts";
import type { AppEnv } from "./context.ts";

export type RequestMeta = {
  requestId: string;
  ip: string;
  now: Date;
  /** Where a write publishes the notifications it committed. */
  hub: NotificationHub;
};

/** Reads the request id, client IP, the injected clock's time and the hub. */
export function requestMeta(c: Context<AppEnv>): RequestMeta {
  const { clock, hub } = c.get("deps");
  return { requestId: c.get("requestId"), ip: c.get("ip"), now: clock(), hub };
}
