/**
 * One serving instance on Deno: its own database connection, app and timers,
 * bound with SO_REUSEPORT so several instances (threads of one process, or
 * processes) share a port and the kernel spreads connections over them.
 * Each instance polls for notifications written by the others (SPEC §5); only
 * the one told to runs the scheduled job.
 * @module
 */
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { denoDeps } from "./deno-deps.ts";
import { notificationPoller } from "./notifications/poller.ts";
import { runScheduledJob } from "./notifications/scheduled.ts";
import { regionalGateway } from "./regions/regional-gateway.ts";
import { startReplica } from "./regions/replica.ts";
import { replicationFeed } from "./regions/replication-feed.ts";
import { databaseId } from "./regions/replication-log.ts";
import { readsAtPrimary } from "./app.ts";

type Handler = (
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

export type Instance = { stop: () => Promise<void> };

/** Starts serving `config.port`; `onListen` fires once the socket is bound. */
export async function serveInstance(
  config: Config,
  options: { scheduledJob: boolean; onListen?: (address: Deno.NetAddr) => void },
): Promise<Instance> {
  const { deps: baseDeps, database, close } = await denoDeps(config);
  const { region } = config;
  const replica = region.role === "replica"
    ? await startReplica({
      client: database.writer,
      db: database.db,
      primaryUrl: region.primaryUrl,
      secret: region.secret,
      heartbeatMs: region.heartbeatMs,
      retryMs: 1000,
      log: baseDeps.log,
    })
    : undefined;
  const deps = replica && region.role === "replica"
    ? {
      ...baseDeps,
      regionalGateway: regionalGateway({
        primaryUrl: region.primaryUrl,
        secret: region.secret,
        replica,
        readsAtPrimary,
        catchUpMs: region.catchUpMs,
        forwardTimeoutMs: region.forwardTimeoutMs,
      }),
    }
    : baseDeps;
  const app = createApp(deps);
  let handler: Handler = (request, info) => app.fetch(request, info);
  if (region.role === "primary") {
    const feed = replicationFeed(
      database.client,
      region.secret,
      region.heartbeatMs,
      await databaseId(database.writer, true),
    );
    handler = (request, info) => feed(request) ?? app.fetch(request, info);
  }
  const server = Deno.serve({
    port: config.port,
    hostname: config.host,
    reusePort: true,
    onListen: (address) => options.onListen?.(address),
  }, handler);

  /** Runs `task` every `ms`, never overlapping itself, logging failures instead of dying. */
  const every = (ms: number, name: string, task: () => Promise<unknown>) => {
    if (ms <= 0) return undefined;
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        await task();
      } catch (error) {
        deps.log({ level: "error", job: name, error: String(error) });
      } finally {
        running = false;
      }
    };
    tick();
    return setInterval(tick, ms);
  };
  const timers = [
    // A replica's job would write; the primary region runs it for all.
    options.scheduledJob && region.role !== "replica"
      ? every(
        config.scheduleIntervalSeconds * 1000,
        "scheduled_notifications",
        () => runScheduledJob(deps),
      )
      : undefined,
    every(
      config.notificationPollMs,
      "notification_poll",
      notificationPoller(deps.db, deps.hub, deps.streams),
    ),
  ];

  return {
    stop: async () => {
      timers.forEach((timer) => clearInterval(timer));
      // Open streams would hold the shutdown forever; their clients resume elsewhere
      // with Last-Event-ID.
      deps.streams.closeAll();
      await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 5000))]);
      await replica?.stop();
      close();
    },
  };
}
