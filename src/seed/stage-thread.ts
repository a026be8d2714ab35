/**
 * The Deno stager (scaled-tables.ts {@link Stager}): a worker thread with its own libSQL
 * connection makes each scaled table's rows into a file of its own, in a
 * temporary folder, while the seed's thread writes and copies; given the seed's
 * file, it writes the clients there itself.
 * @module
 */
import type { StageInto, Stager } from "./scaled-tables.ts";
import type { Statement } from "./writer.ts";

type Job = { dir: string; setup: Statement[]; selects: string[]; into?: StageInto };
/** The worker's answers: a staged file, the rows it loaded in place, or why it stopped. */
type Staged = { index: number; path: string } | { loaded: number } | { error: string };
/** Sent to the worker when the seed's connection lets it write the seed's file. */
const LOAD = "load";

/**
 * Memory-backed /dev/shm when there is one: the files are written once, read
 * once and deleted, so a disk file system's journal is pure cost.
 */
function scratchRoot(): string | undefined {
  try {
    return Deno.statSync("/dev/shm").isDirectory ? "/dev/shm" : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stager on a worker thread of its own, for one seed: `stage` once, then
 * `close` (which deletes the staged files' folders).
 */
export function threadStager(): Stager & { close(): Promise<void> } {
  const worker = new Worker(new URL("./stage-worker.ts", import.meta.url), { type: "module" });
  const dirs: string[] = [];
  let fail = (_error: Error) => {};
  worker.onerror = (event) => {
    event.preventDefault();
    fail(new Error(event.message));
  };
  return {
    stage(setup, selects, into) {
      // The worker runs one job: a second would take over its answers.
      if (dirs.length > 0) throw new Error("A thread stager stages once; make another.");
      const dir = Deno.makeTempDirSync({ dir: scratchRoot(), prefix: "leopard-seed-stage-" });
      dirs.push(dir);
      const waiting = selects.map(() => Promise.withResolvers<string>());
      const loaded = Promise.withResolvers<number>();
      fail = (error) => [...waiting, loaded].forEach((w) => w.reject(error));
      worker.onmessage = (event: MessageEvent<Staged>) => {
        const staged = event.data;
        if ("error" in staged) fail(new Error(staged.error));
        else if ("loaded" in staged) loaded.resolve(staged.loaded);
        else waiting[staged.index].resolve(staged.path);
      };
      worker.postMessage({ dir, setup, selects, into } satisfies Job);
      // Awaited one by one: a failure must not go unhandled meanwhile.
      for (const w of [...waiting, loaded]) w.promise.catch(() => {});
      // Its rows go into the seed's file, never into one of these: waiting for it fails.
      if (into) waiting[0]?.reject(new Error("The first select is loaded in place, not staged."));
      const load = () => {
        worker.postMessage(LOAD);
        return loaded.promise;
      };
      return { paths: waiting.map((w) => w.promise), load: into ? load : null };
    },
    discard: (path) => Deno.remove(path),
    async close() {
      worker.terminate();
      for (const dir of dirs) await Deno.remove(dir, { recursive: true });
    },
  };
}

export { LOAD };
export type { Job, Staged };
