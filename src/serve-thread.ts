/**
 * A worker thread of the Deno entry: one more serving instance on the same port.
 * The main thread has already migrated the database; it posts the config and
 * the process's commit counter (local-commits.ts), and later "stop".
 * @module
 */
/// <reference lib="deno.worker" />
import type { Config } from "./config.ts";
import { adoptCommits } from "./db/local-commits.ts";
import { type Instance, serveInstance } from "./serve-instance.ts";

type Start = { start: Config; commits: SharedArrayBuffer };

let instance: Instance | undefined;
self.onmessage = async (event: MessageEvent<Start | "stop">) => {
  if (event.data === "stop") {
    await instance?.stop();
    self.postMessage("stopped");
    self.close();
    return;
  }
  // Before the database opens: a commit of any thread then reaches every cache.
  adoptCommits(event.data.commits);
  instance = await serveInstance(event.data.start, {
    scheduledJob: false,
    onListen: () => self.postMessage("listening"),
  });
};
