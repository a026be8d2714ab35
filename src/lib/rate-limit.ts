/**
 * Fixed-window request counters per key (user, IP, login account). In memory per
 * instance: on Workers each isolate counts alone, so the limit there is per isolate
 * and a shared store can implement the same interface.
 * @module
 */

export interface RateLimiter {
  /** Counts one hit; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string, limitPerMinute: number, now: number): number;
  /** Like hit, without counting: for limits on failures only (logins). */
  peek(key: string, limitPerMinute: number, now: number): number;
}

/** A bounded in-memory limiter: old windows are swept so memory stays flat. */
export function memoryRateLimiter(maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const count = (key: string, limitPerMinute: number, now: number, add: number) => {
    if (limitPerMinute === 0) return 0;
    const windowStart = now - (now % 60_000);
    let entry = windows.get(key);
    if (!entry || entry.start !== windowStart) {
      if (windows.size >= maxKeys) {
        for (const [k, v] of windows) if (v.start !== windowStart) windows.delete(k);
      }
      entry = { start: windowStart, count: 0 };
      windows.set(key, entry);
    }
    entry.count += add;
    // peek asks whether one more attempt would still fit.
    if (entry.count + (add === 0 ? 1 : 0) <= limitPerMinute) return 0;
    return Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000));
  };
  return {
    hit: (key, limit, now) => count(key, limit, now, 1),
    peek: (key, limit, now) => count(key, limit, now, 0),
  };
}
