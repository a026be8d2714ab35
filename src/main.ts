/**
 * Deno entry: reads the environment, builds the dependencies (native libSQL,
 * embedded file migrated on start), serves the app on PORT, and runs the two
 * timers of SPEC §5: the scheduled notifications job and the cross-instance poll.
 * @module
 */
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { denoDeps } from "./deno-deps.ts";
import { notificationPoller } from "./notifications/poller.ts";
import { runScheduledJob } from "./notifications/scheduled.ts";

const config = loadConfig(Deno.env.toObject());
const { deps, client } = await denoDeps(config);
const app = createApp(deps);

const server = Deno.serve({
  port: config.port,
  hostname: Deno.env.get("HOST") ?? "127.0.0.1",
  onListen: ({ hostname, port }) => {
    console.log(
      `Leopard API on http://${hostname}:${port} · docs http://${hostname}:${port}/api/docs`,
    );
  },
}, (request, info) => app.fetch(request, info));

/** Runs `task` every `ms`, never overlapping itself, logging failures instead of dying. */
function every(ms: number, name: string, task: () => Promise<unknown>) {
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
}
const timers = [
  every(
    config.scheduleIntervalSeconds * 1000,
    "scheduled_notifications",
    () => runScheduledJob(deps),
  ),
  every(
    config.notificationPollMs,
    "notification_poll",
    notificationPoller(
      deps.db,
      deps.hub,
      deps.streams,
    ),
  ),
];

const shutdown = async () => {
  timers.forEach((timer) => clearInterval(timer));
  // Open streams would hold the shutdown forever; their clients resume elsewhere
  // with Last-Event-ID.
  deps.streams.closeAll();
  await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 5000))]);
  client.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
