/**
 * What the app is built from (injected by an entry point) and what each request
 * carries through Hono's context.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppConfig } from "../config.ts";
import type { FileStore } from "../files/file-store.ts";
import type { Database } from "../db/database.ts";
import type { SigningKeys } from "../auth/keys.ts";
import type { PasswordHasher } from "../auth/passwords.ts";
import type { NotificationHub } from "../notifications/hub.ts";
import type { StreamRegistry } from "../notifications/stream.ts";
import type { Actor, Scope } from "../scope/scope.ts";
import type { ReadSessions } from "./bookmarks.ts";
import type { RateDecision, RateLimiter } from "./rate-limit.ts";

/** Everything runtime-specific, chosen by the entry point. */
export type AppDeps = {
  db: Database;
  config: AppConfig;
  keys: SigningKeys;
  passwords: PasswordHasher;
  hub: NotificationHub;
  /** This instance's open notification streams (the per-user cap lives here). */
  streams: StreamRegistry;
  rateLimiter: RateLimiter;
  /** Per-request sessions of a replicated database (D1 read replication); absent on one database. */
  sessions?: ReadSessions;
  /** Where uploaded files live; absent where the entry has no store (file routes answer 503). */
  files?: FileStore;
  /** A far region's gateway (src/regions): local reads, writes forwarded to the primary. */
  regionalGateway?: MiddlewareHandler<AppEnv>;
  clock: () => Date;
  /** The caller's address as the runtime knows it (never a spoofable header unless the platform sets it). */
  clientIp: (request: Request, env: unknown) => string;
  log: (line: Record<string, unknown>) => void;
};

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
    ip: string;
    actor?: Actor;
    scope?: Scope;
    /** The rate-limit decision the response's RateLimit-* headers show. */
    rateLimit?: RateDecision;
  };
};
