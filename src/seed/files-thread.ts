/**
 * The seed's document writer on a thread of its own (Deno): creating 21,800 small
 * files costs this machine's kernel about 15 s of CPU for 100 agencies, and
 * concurrent creates in one folder queue on its lock. On the seed's main thread
 * they would wait for SQLite, which holds that thread for seconds per statement;
 * here they run on the second core while SQLite works.
 * @module
 */
import type { FileStore } from "../files/file-store.ts";

type Put = { id: number; key: string; bytes: Uint8Array; type: string };
type Done = { id: number; error?: string };

/** A `put`-only store whose writes run, in order, on a worker thread (files-worker.ts). */
export function threadFileStore(): Pick<FileStore, "put"> & { close(): void } {
  const worker = new Worker(new URL("./files-worker.ts", import.meta.url), { type: "module" });
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let next = 0;
  worker.onmessage = (event: MessageEvent<Done>) => {
    const { id, error } = event.data;
    const entry = waiting.get(id);
    waiting.delete(id);
    if (error === undefined) entry?.resolve();
    else entry?.reject(new Error(error));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    for (const entry of waiting.values()) entry.reject(new Error(event.message));
    waiting.clear();
  };
  return {
    put(key, bytes, type) {
      const id = next++;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, key, bytes, type } satisfies Put);
      });
    },
    close: () => worker.terminate(),
  };
}

export type { Done, Put };
