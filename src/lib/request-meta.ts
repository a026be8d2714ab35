/**
 * The request facts that writes record (audit) and use (time), taken from context
 * once so services do not depend on Hono.
 * @module
 */
import type { Context } from "hono";
import type { AppEnv } from "./context.ts";

export type RequestMeta = { requestId: string; ip: string; now: Date };

/** Reads the request id, client IP and the injected clock's time. */
export function requestMeta(c: Context<AppEnv>): RequestMeta {
  return { requestId: c.get("requestId"), ip: c.get("ip"), now: c.get("deps").clock() };
}
