/**
 * Deno entry: reads the environment, migrates the embedded file, then serves the
 * app on PORT from one instance per core (SERVE_THREADS): this thread, which also
 * runs the scheduled job, and worker threads on the same port. Every instance
 * polls for the others' notifications (SPEC §5).
 * @module
 */
import { loadConfig } from "./config.ts";
import { sharedCommits } from "./db/local-commits.ts";
import { serveInstance } from "./serve-instance.ts";

const config = loadConfig(Deno.env.toObject());
// A far region's replica has one writer, its replication loop, and the requests
// waiting on it: one thread (see src/regions).
const threads = config.region.role === "replica"
  ? 1
  : config.serveThreads ?? navigator.hardwareConcurrency ?? 1;

// SO_REUSEPORT would also let a second server on this port share its traffic
// silently; a plain bind first makes "address in use" an error again.
if (config.port !== 0) Deno.listen({ hostname: config.host, port: config.port }).close();

let port = config.port;
const main = await serveInstance(config, {
  scheduledJob: true,
  onListen: (address) => port = address.port,
});
const workers = await Promise.all(
  Array.from({ length: threads - 1 }, async () => {
    const worker = new Worker(new URL("./serve-thread.ts", import.meta.url), { type: "module" });
    await reply(
      worker,
      "listening",
      () => worker.postMessage({ start: { ...config, port }, commits: sharedCommits() }),
    );
    return worker;
  }),
);
console.log(
  `Leopard API on http://${config.host}:${port} (${threads} thread${threads > 1 ? "s" : ""})` +
    ` · docs http://${config.host}:${port}/api/docs` +
    (config.region.role === "single" ? "" : ` · region role ${config.region.role}`),
);

/** Sends a message and waits for a worker's answer (or its failure). */
function reply(worker: Worker, answer: string, send: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (e) => e.data === answer && resolve());
    worker.addEventListener("error", (e) => reject(e.error ?? new Error(e.message)));
    send();
  });
}

const shutdown = async () => {
  const stopped = Promise.all(workers.map((w) => reply(w, "stopped", () => w.postMessage("stop"))));
  await Promise.race([stopped, new Promise((r) => setTimeout(r, 6000))]);
  await main.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
