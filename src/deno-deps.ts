/**
 * Builds the app's dependencies for Deno: native libSQL, key material from the
 * environment or a dev key file, and the in-process notification hub. Used by
 * the server entry and by the seed command.
 * @module
 */
import { dirname } from "node:path";
import type { Client } from "@libsql/client";
import { generatePrivateJwk, type SigningKeys, signingKeysFromJwk } from "./auth/keys.ts";
import { scryptHasher } from "./auth/passwords.ts";
import type { Config } from "./config.ts";
import { isLocalFile, type LibsqlDatabase, localFilePath, openLibsql } from "./db/libsql.ts";
import { migrateDatabase } from "./db/migrate.ts";
import type { AppDeps } from "./lib/context.ts";
import type { FileStore } from "./files/file-store.ts";
import { localFileStore } from "./files/local-file-store.ts";
import { s3FileStore } from "./files/s3-file-store.ts";
import { bufferedJsonLog, wholeLinePieces } from "./lib/json-log.ts";
import { memoryRateLimiter } from "./lib/rate-limit.ts";
import { regionClientIp, type RegionDatabase, regionDatabase } from "./regions/region-database.ts";
import { threadHub } from "./notifications/thread-hub.ts";
import { streamRegistry } from "./notifications/stream.ts";

/** Reads JWT_PRIVATE_JWK, or the dev key file, creating it (mode 600) on first run. */
async function loadSigningKeys(config: Config): Promise<SigningKeys> {
  if (config.jwtPrivateJwk) return await signingKeysFromJwk(JSON.parse(config.jwtPrivateJwk));
  try {
    return await signingKeysFromJwk(JSON.parse(await Deno.readTextFile(config.jwtKeyFile)));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const jwk = await generatePrivateJwk();
  const dir = config.jwtKeyFile.split("/").slice(0, -1).join("/");
  if (dir) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(config.jwtKeyFile, JSON.stringify(jwk), { mode: 0o600 });
  console.warn(
    `Generated a development signing key in ${config.jwtKeyFile}; set JWT_PRIVATE_JWK in production.`,
  );
  return await signingKeysFromJwk(jwk);
}

/** Opens the database, creating the folder of a local file and migrating it. */
export async function openDatabase(
  config: Config,
): Promise<{ client: Client; db: LibsqlDatabase }> {
  const { url } = config.database;
  const path = localFilePath(url);
  if (path) await Deno.mkdir(dirname(path), { recursive: true });
  const opened = await openLibsql(config.database);
  // A serving instance migrates only its own embedded file; shared databases are
  // migrated once by `deno task migrate`, never by every instance at start.
  if (isLocalFile(url) && !config.database.syncUrl) await migrateDatabase(opened.db);
  if (config.database.syncUrl) await opened.client.sync();
  return opened;
}

/** Uploaded files: an S3-compatible store when configured, else FILES_DIR. */
export function fileStoreOf(config: Config, local: { blocking?: boolean } = {}): FileStore {
  return config.s3 ? s3FileStore(config.s3) : localFileStore(config.filesDir, local);
}

/**
 * Writes log lines to standard output in pieces of whole lines that a pipe
 * writes whole: every serving thread writes to the same descriptor.
 */
function writeStdout(bytes: Uint8Array): void {
  for (const piece of wholeLinePieces(bytes)) {
    for (let at = 0; at < piece.length;) at += Deno.stdout.writeSync(piece.subarray(at));
  }
}

/** Everything the Deno entry injects into createApp, and the database it serves. */
export async function denoDeps(
  config: Config,
): Promise<{ deps: AppDeps; database: RegionDatabase; close: () => void }> {
  const database = regionDatabase(config.region, await openDatabase(config));
  const hub = threadHub();
  const logger = bufferedJsonLog(writeStdout);
  const deps: AppDeps = {
    db: database.db,
    sessions: database.sessions,
    files: fileStoreOf(config),
    config: config.app,
    keys: await loadSigningKeys(config),
    passwords: scryptHasher(),
    hub,
    streams: streamRegistry(config.app.sseMaxStreamsPerUser),
    rateLimiter: memoryRateLimiter(),
    clock: () => new Date(),
    clientIp: (request, env) =>
      regionClientIp(
        config.region,
        request,
        (env as Deno.ServeHandlerInfo<Deno.NetAddr> | undefined)?.remoteAddr?.hostname ??
          "unknown",
      ),
    log: logger.log,
  };
  // The hub's channel keeps a thread alive until it is closed.
  const close = () => {
    logger.flush();
    hub.close();
    database.writer.close();
  };
  return { deps, database, close };
}
