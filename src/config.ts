/**
 * Environment → typed configuration, parsed once by an entry point and passed down.
 * Nothing below the entry points reads the environment itself.
 * @module
 */
import { z } from "zod";
import type { S3Options } from "./files/s3-file-store.ts";

const intFrom = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const EnvSchema = z.object({
  PORT: intFrom(8000),
  HOST: z.string().min(1).default("127.0.0.1"),
  SERVE_THREADS: z.coerce.number().int().min(1).optional(),
  DATABASE_URL: z.string().min(1).default("file:data/leopard.db"),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  DATABASE_SYNC_URL: z.string().optional(),
  DATABASE_SYNC_INTERVAL_SECONDS: z.coerce.number().min(0).default(1),
  CHANGE_POLL_MS: z.coerce.number().int().min(1).default(2),
  REPLICATION_SECRET: z.string().min(24).optional(),
  REGION_PRIMARY_URL: z.url().optional(),
  REPLICATION_LOG_DAYS: z.coerce.number().int().min(1).default(7),
  REPLICATION_HEARTBEAT_MS: z.coerce.number().int().min(100).default(2000),
  REGION_CATCH_UP_MS: intFrom(2000),
  REGION_FORWARD_TIMEOUT_MS: intFrom(10_000),
  JWT_PRIVATE_JWK: z.string().optional(),
  JWT_KEY_FILE: z.string().default("data/jwt-key.json"),
  JWT_ISSUER: z.string().default("leopard"),
  JWT_AUDIENCE: z.string().default("leopard-api"),
  ACCESS_TOKEN_TTL_SECONDS: intFrom(900),
  REFRESH_TOKEN_TTL_DAYS: intFrom(30),
  CORS_ORIGINS: z.string().default(""),
  RATE_LIMIT_PER_MINUTE: intFrom(300),
  TENANT_RATE_LIMIT_PER_MINUTE: intFrom(12_000),
  ANON_RATE_LIMIT_PER_MINUTE: intFrom(120),
  LOGIN_RATE_LIMIT_PER_MINUTE: intFrom(10),
  BODY_LIMIT_BYTES: intFrom(1_048_576),
  FILES_DIR: z.string().min(1).default("data/files"),
  FILE_MAX_BYTES: z.coerce.number().int().min(1).default(10 * 1_048_576),
  FILE_TYPES: z.string().default("application/pdf,image/png,image/jpeg"),
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("auto"),
  SSE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).default(5),
  SSE_HEARTBEAT_SECONDS: z.coerce.number().min(0.01).max(25).default(20),
  NOTIFICATION_POLL_MS: intFrom(1000),
  SCHEDULE_INTERVAL_SECONDS: intFrom(300),
  SEED_ADMIN_EMAIL: z.string().email().default("admin@leopard.test"),
  SEED_ADMIN_PASSWORD: z.string().min(10).default("leopard-admin-2026"),
});

/** What the app itself needs, whatever the runtime. */
export type AppConfig = {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  corsOrigins: string[];
  /** Authenticated requests per minute per user. */
  rateLimitPerMinute: number;
  /** Authenticated requests per minute per tenant, all its users together. */
  tenantRateLimitPerMinute: number;
  /** Anonymous requests (login, refresh, JWKS, health, docs) per minute per client IP. */
  anonRateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** The largest upload; its own limit, above the JSON bodies'. */
  fileMaxBytes: number;
  /** Content types an upload may be, as recognised from its bytes. */
  fileTypes: string[];
  /** Days of the replication log a primary keeps for far regions to catch up from. */
  replicationLogDays: number;
  /** Open notification streams per user; the oldest closes when a new one exceeds it. */
  sseMaxStreamsPerUser: number;
  /** Comment frames keep proxies from closing idle streams and reveal gone clients. */
  sseHeartbeatMs: number;
};

/**
 * Deno regions (src/regions): alone; the primary, which logs its writes for far
 * regions; or a far region's replica, which reads locally and forwards writes.
 */
export type RegionConfig =
  | { role: "single" }
  | {
    role: "primary";
    secret: string;
    /** How often an idle replication feed says it is alive. */
    heartbeatMs: number;
  }
  | {
    role: "replica";
    secret: string;
    primaryUrl: string;
    /** The primary's heartbeat: a feed silent for three is opened again. */
    heartbeatMs: number;
    /** How long a request waits for this replica to reach a position it needs. */
    catchUpMs: number;
    forwardTimeoutMs: number;
  };

export type Config = {
  port: number;
  host: string;
  /** Serving threads of the Deno entry, sharing the port (default: one per core). */
  serveThreads?: number;
  database: {
    url: string;
    authToken?: string;
    syncUrl?: string;
    syncIntervalSeconds?: number;
    /** How often an embedded file is checked for another process's commits (embedded-reads.ts). */
    changePollMs?: number;
  };
  region: RegionConfig;
  jwtPrivateJwk?: string;
  jwtKeyFile: string;
  /** Where the Deno entry stores uploaded files without an S3 store. */
  filesDir: string;
  /** An S3-compatible store for uploaded files, when S3_* are set. */
  s3?: S3Options;
  seedAdmin: { email: string; password: string };
  /** How often an instance polls for notifications written by other instances (0: never). */
  notificationPollMs: number;
  /** How often the reminders / expiry job runs on a Deno server (0: never). */
  scheduleIntervalSeconds: number;
  app: AppConfig;
};

/** Parses the environment; a bad value stops start-up with the variable's name. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    serveThreads: e.SERVE_THREADS,
    database: {
      url: e.DATABASE_URL,
      authToken: e.DATABASE_AUTH_TOKEN,
      syncUrl: e.DATABASE_SYNC_URL,
      syncIntervalSeconds: e.DATABASE_SYNC_INTERVAL_SECONDS,
      changePollMs: e.CHANGE_POLL_MS,
    },
    region: regionFrom(e),
    jwtPrivateJwk: e.JWT_PRIVATE_JWK,
    jwtKeyFile: e.JWT_KEY_FILE,
    filesDir: e.FILES_DIR,
    s3: s3From(e),
    seedAdmin: { email: e.SEED_ADMIN_EMAIL.toLowerCase(), password: e.SEED_ADMIN_PASSWORD },
    notificationPollMs: e.NOTIFICATION_POLL_MS,
    scheduleIntervalSeconds: e.SCHEDULE_INTERVAL_SECONDS,
    app: appConfigFrom(e),
  };
}

function s3From(e: z.infer<typeof EnvSchema>): S3Options | undefined {
  const given = [e.S3_ENDPOINT, e.S3_BUCKET, e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY];
  if (given.every((v) => v === undefined)) return undefined;
  if (!e.S3_ENDPOINT || !e.S3_BUCKET || !e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) {
    throw new Error(
      "Invalid environment: S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together",
    );
  }
  return {
    endpoint: e.S3_ENDPOINT,
    bucket: e.S3_BUCKET,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    region: e.S3_REGION,
  };
}

function regionFrom(e: z.infer<typeof EnvSchema>): RegionConfig {
  if (!e.REPLICATION_SECRET) {
    if (e.REGION_PRIMARY_URL) {
      throw new Error("Invalid environment: REGION_PRIMARY_URL needs REPLICATION_SECRET");
    }
    return { role: "single" };
  }
  if (!e.REGION_PRIMARY_URL) {
    return {
      role: "primary",
      secret: e.REPLICATION_SECRET,
      heartbeatMs: e.REPLICATION_HEARTBEAT_MS,
    };
  }
  return {
    role: "replica",
    secret: e.REPLICATION_SECRET,
    primaryUrl: e.REGION_PRIMARY_URL,
    heartbeatMs: e.REPLICATION_HEARTBEAT_MS,
    catchUpMs: e.REGION_CATCH_UP_MS,
    forwardTimeoutMs: e.REGION_FORWARD_TIMEOUT_MS,
  };
}

function appConfigFrom(e: z.infer<typeof EnvSchema>): AppConfig {
  return {
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    corsOrigins: e.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    tenantRateLimitPerMinute: e.TENANT_RATE_LIMIT_PER_MINUTE,
    anonRateLimitPerMinute: e.ANON_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    fileMaxBytes: e.FILE_MAX_BYTES,
    fileTypes: e.FILE_TYPES.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean),
    replicationLogDays: e.REPLICATION_LOG_DAYS,
    sseMaxStreamsPerUser: e.SSE_MAX_STREAMS_PER_USER,
    sseHeartbeatMs: Math.round(e.SSE_HEARTBEAT_SECONDS * 1000),
  };
}

/** The app config an empty environment gives (tests start from it). */
export const defaultAppConfig: AppConfig = appConfigFrom(EnvSchema.parse({}));
