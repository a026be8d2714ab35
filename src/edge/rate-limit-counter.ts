/**
 * Rate limits on Workers: one Durable Object per counted key (`user:…`,
 * `tenant:…`, `ip:…`, `login-account:…`), so every isolate in every location
 * checks the same bucket; an isolate's memory would let each isolate count alone.
 * The object keeps its one number in storage (it survives eviction and restarts)
 * and deletes it by alarm once the bucket is full again, so keys seen once (an IP)
 * cost nothing afterwards.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type { DurableObjectNamespace, DurableObjectState } from "./cloudflare.ts";
import { type RateDecision, type RateLimiter, takeToken } from "../lib/rate-limit.ts";

const FULL_AT = "full_at";

/** One key's bucket. Calls on one object run one at a time, so a take is atomic. */
export class RateLimitCounter extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
  }

  async take(limitPerMinute: number, now: number, count: boolean): Promise<RateDecision> {
    const stored = await this.ctx.storage.get<number>(FULL_AT);
    const { decision, store } = takeToken(stored, limitPerMinute, now, count);
    if (store !== undefined) {
      await this.ctx.storage.put(FULL_AT, store);
      if (stored === undefined) await this.ctx.storage.setAlarm(store);
    }
    return decision;
  }

  /** Forgets the key once its bucket is full; checks again later while it is in use. */
  override async alarm(): Promise<void> {
    const fullAt = await this.ctx.storage.get<number>(FULL_AT);
    if (fullAt === undefined || fullAt <= Date.now()) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(fullAt);
  }
}

/**
 * The Workers store. A failing object lets the request through and logs it: an
 * outage of the counters must not take the API down with it.
 */
export function durableObjectRateLimiter(
  namespace: DurableObjectNamespace<RateLimitCounter>,
  log: (line: Record<string, unknown>) => void,
): RateLimiter {
  const take = async (key: string, limit: number, now: number, count: boolean) => {
    if (limit === 0) return takeToken(undefined, 0, now, count).decision;
    try {
      return await namespace.get(namespace.idFromName(key)).take(limit, now, count);
    } catch (error) {
      log({ level: "error", msg: "rate_limit_unavailable", error: String(error) });
      return { limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };
    }
  };
  return {
    hit: (key, limit, now) => take(key, limit, now, true),
    peek: (key, limit, now) => take(key, limit, now, false),
  };
}
