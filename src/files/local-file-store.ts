/**
 * The Deno entry's file store: one file per object under FILES_DIR, written to
 * a temporary name first and renamed, so a reader never sees half a file.
 * @module
 */
import type { FileStore } from "./file-store.ts";

/**
 * `blocking` puts with the synchronous calls, for a caller on a thread of its own
 * (the seed's document writer): each asynchronous call is a round trip to a
 * thread pool, four times the CPU (5,000 small files: 1.1 s against 0.25 s of
 * this machine's CPU). A server's put must not hold its event loop, so it awaits.
 */
export function localFileStore(dir: string, { blocking = false } = {}): FileStore {
  const pathOf = (key: string) => `${dir}/${key}`;
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      const folder = path.slice(0, path.lastIndexOf("/"));
      const partial = `${path}.${crypto.randomUUID()}.part`;
      if (blocking) {
        Deno.mkdirSync(folder, { recursive: true });
        Deno.writeFileSync(partial, bytes, { mode: 0o600 });
        Deno.renameSync(partial, path);
        return;
      }
      await Deno.mkdir(folder, { recursive: true });
      await Deno.writeFile(partial, bytes, { mode: 0o600 });
      await Deno.rename(partial, path);
    },
    async get(key) {
      try {
        return await Deno.readFile(pathOf(key));
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      }
    },
    async *list(prefix) {
      const folder = pathOf(prefix).replace(/\/+$/, "");
      try {
        for await (const entry of Deno.readDir(folder)) {
          if (entry.isFile && !entry.name.endsWith(".part")) yield `${prefix}${entry.name}`;
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
    async delete(key) {
      await Deno.remove(pathOf(key)).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    },
  };
}
