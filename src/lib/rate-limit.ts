/**
 * Request limits as a token bucket per key (user, tenant, IP, login account), in
 * the GCRA form: a key holds one number, the instant its bucket will be full
 * again. A limit of L per minute lets a burst of L through, then one request every
 * 60/L s; unlike a fixed window it never lets 2 L through across a minute's edge.
 * The arithmetic is shared; where the state lives is the store's business (memory
 * per Deno instance, a Durable Object per key on Workers).
 * @module
 */

export const WINDOW_MS = 60_000;

/** The outcome of one check, for the RateLimit-* headers and Retry-After. */
export type RateDecision = {
  limit: number;
  /** Requests still allowed right now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** 0 when allowed, else seconds until one more request fits. */
  retryAfterSeconds: number;
};

export interface RateLimiter {
  /** Counts one request against `key` when it fits. */
  hit(key: string, limitPerMinute: number, now: number): Promise<RateDecision>;
  /** Answers whether one more would fit, without counting (limits on failures only). */
  peek(key: string, limitPerMinute: number, now: number): Promise<RateDecision>;
}

/**
 * One step of the bucket: `full` is the key's stored full-again instant (or
 * undefined), and the answer carries the instant to store (undefined: unchanged).
 * `limitPerMinute` 0 means no limit.
 */
export function takeToken(
  full: number | undefined,
  limitPerMinute: number,
  now: number,
  count: boolean,
): { decision: RateDecision; store?: number } {
  if (limitPerMinute === 0) {
    return { decision: { limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 } };
  }
  const interval = WINDOW_MS / limitPerMinute;
  const start = Math.max(full ?? now, now);
  const after = start + interval;
  const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
  // The epsilon absorbs float error of a non-integer interval (60,000 / 7 ms).
  if (after - now > WINDOW_MS + 1e-6) {
    return {
      decision: {
        limit: limitPerMinute,
        remaining: 0,
        resetSeconds: seconds(start - now),
        retryAfterSeconds: Math.max(1, seconds(after - now - WINDOW_MS)),
      },
    };
  }
  const used = count ? after : start;
  return {
    decision: {
      limit: limitPerMinute,
      remaining: Math.floor((WINDOW_MS - (used - now)) / interval + 1e-9),
      resetSeconds: seconds(used - now),
      retryAfterSeconds: 0,
    },
    store: count ? after : undefined,
  };
}

/** The Deno store: buckets in this instance's memory, bounded, full ones swept. */
export function memoryRateLimiter(maxKeys = 100_000): RateLimiter {
  const buckets = new Map<string, number>();
  const take = (key: string, limit: number, now: number, count: boolean) => {
    const { decision, store } = takeToken(buckets.get(key), limit, now, count);
    if (store !== undefined) {
      if (buckets.size >= maxKeys && !buckets.has(key)) {
        // A full bucket is the same as no entry: drop those first, then the oldest.
        for (const [k, fullAt] of buckets) if (fullAt <= now) buckets.delete(k);
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
      }
      buckets.set(key, store);
    }
    return Promise.resolve(decision);
  };
  return {
    hit: (key, limit, now) => take(key, limit, now, true),
    peek: (key, limit, now) => take(key, limit, now, false),
  };
}
