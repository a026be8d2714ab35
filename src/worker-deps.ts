/**
 * Builds the app's dependencies for Cloudflare Workers, as deno-deps.ts does for
 * Deno: the database from the client factory (Turso over HTTP or D1), the signing
 * key from a secret, the per-user Durable Object hub, rate-limit counters in a
 * Durable Object per key (shared by every isolate), and a per-isolate stream
 * registry (the Durable Object enforces the stream cap across isolates), and
 * uploaded documents in an R2 bucket.
 * @module
 */
import { signingKeysFromJwk } from "./auth/keys.ts";
import { scryptHasher } from "./auth/passwords.ts";
import { loadConfig } from "./config.ts";
import { type EdgeDatabaseEnv, openEdgeDatabase } from "./db/edge.ts";
import type { MigrationLedger } from "./db/schema-version.ts";
import type { DurableObjectNamespace } from "./edge/cloudflare.ts";
import { durableObjectHub } from "./edge/durable-object-hub.ts";
import { type R2Bucket, r2FileStore } from "./edge/r2-file-store.ts";
import { s3FileStore } from "./files/s3-file-store.ts";
import { durableObjectRateLimiter, type RateLimitCounter } from "./edge/rate-limit-counter.ts";
import type { UserNotifications } from "./edge/user-notifications.ts";
import type { AppDeps } from "./lib/context.ts";
import { jsonLog } from "./lib/json-log.ts";
import { streamRegistry } from "./notifications/stream.ts";

/** The Worker's bindings: vars and secrets (strings), the Durable Object namespace, maybe D1. */
export type WorkerEnv = EdgeDatabaseEnv & {
  USER_NOTIFICATIONS: DurableObjectNamespace<UserNotifications>;
  RATE_LIMITS: DurableObjectNamespace<RateLimitCounter>;
  /** Uploaded documents; without the binding the file routes answer 503. */
  FILES?: R2Bucket;
  JWT_PRIVATE_JWK?: string;
  [name: string]: unknown;
};

/** The string-valued bindings, which is what the shared config parser reads. */
function variablesOf(env: WorkerEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** Everything the Worker entry injects into createApp, and the database's migration ledger. */
export async function workerDeps(
  env: WorkerEnv,
): Promise<{ deps: AppDeps; ledger: MigrationLedger }> {
  const config = loadConfig(variablesOf(env));
  if (!env.JWT_PRIVATE_JWK) {
    throw new Error("The JWT_PRIVATE_JWK secret is not set (wrangler secret put JWT_PRIVATE_JWK).");
  }
  const { db, ledger, sessions } = openEdgeDatabase(env);
  const deps: AppDeps = {
    db,
    config: config.app,
    keys: await signingKeysFromJwk(JSON.parse(env.JWT_PRIVATE_JWK)),
    passwords: scryptHasher(),
    hub: durableObjectHub(env.USER_NOTIFICATIONS, jsonLog),
    streams: streamRegistry(config.app.sseMaxStreamsPerUser),
    rateLimiter: durableObjectRateLimiter(env.RATE_LIMITS, jsonLog),
    sessions,
    files: env.FILES ? r2FileStore(env.FILES) : config.s3 ? s3FileStore(config.s3) : undefined,
    clock: () => new Date(),
    // Set by Cloudflare's edge for every request; a client cannot forge it there.
    clientIp: (request) => request.headers.get("cf-connecting-ip") ?? "unknown",
    log: jsonLog,
  };
  return { deps, ledger };
}
