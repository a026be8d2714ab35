/**
 * Worker side of {@link threadFileStore}: puts each file into the store the
 * environment configures (FILES_DIR or S3), one at a time, and answers each.
 * @module
 */
/// <reference lib="deno.worker" />
import { loadConfig } from "../config.ts";
import { fileStoreOf } from "../deno-deps.ts";
import type { Done, Put } from "./files-thread.ts";

// This thread does nothing else: a local store may block it (local-file-store.ts).
const store = fileStoreOf(loadConfig(Deno.env.toObject()), { blocking: true });
let queue = Promise.resolve();

self.onmessage = (event: MessageEvent<Put>) => {
  const { id, key, bytes, type } = event.data;
  // In order: a put waits for the one before, so the folder is made once.
  queue = queue.then(async () => {
    let answer: Done = { id };
    try {
      await store.put(key, bytes, type);
    } catch (error) {
      answer = { id, error: String(error) };
    }
    self.postMessage(answer);
  });
};
