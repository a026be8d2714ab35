/**
 * A second thread for embedded-reads.test.ts: opens the file as a serving thread
 * does (after adopting the process's commit counter) and answers its change
 * version. It never polls SQLite, so only the shared counter can move it.
 * @module
 */
/// <reference lib="deno.worker" />
import { createClient } from "@libsql/client";
import { withEmbeddedReads } from "./embedded-reads.ts";
import { adoptCommits } from "./local-commits.ts";

let version: (() => number) | undefined;
self.onmessage = (
  event: MessageEvent<{ path: string; commits: SharedArrayBuffer } | "version">,
) => {
  if (event.data === "version") {
    self.postMessage(version?.());
    return;
  }
  adoptCommits(event.data.commits);
  const { path } = event.data;
  version = withEmbeddedReads(createClient({ url: `file:${path}` }), path, { pollMs: Infinity })
    .changeVersion;
  self.postMessage(version());
};
