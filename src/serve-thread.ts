/**
 * A worker thread of the Deno entry: one more serving instance on the same port.
 * The main thread has already migrated the database; it posts the config, and
 * later "stop".
 * @module
 */
/// <reference lib="deno.worker" />
import type { Config } from "./config.ts";
import { type Instance, serveInstance } from "./serve-instance.ts";

let instance: Instance | undefined;
self.onmessage = async (event: MessageEvent<{ start: Config } | "stop">) => {
  if (event.data === "stop") {
    await instance?.stop();
    self.postMessage("stopped");
    self.close();
    return;
  }
  instance = await serveInstance(event.data.start, {
    scheduledJob: false,
    onListen: () => self.postMessage("listening"),
  });
};
