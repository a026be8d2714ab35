/**
 * The Deno entry's file store: one file per object under FILES_DIR, written to
 * a temporary name first and renamed, so a reader never sees half a file.
 * @module
 */
import type { FileStore } from "./file-store.ts";

export function localFileStore(dir: string): FileStore {
  const pathOf = (key: string) => `${dir}/${key}`;
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      const partial = `${path}.${crypto.randomUUID()}.part`;
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
