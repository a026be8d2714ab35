/** The structured log line every runtime writes: one JSON object per line. @module */

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: new Date().toISOString(), ...fields });

/** Writes `fields` with the current time as one JSON line on standard output. */
export function jsonLog(fields: Record<string, unknown>): void {
  console.log(line(fields));
}

const FLUSH_LINES = 256;

/**
 * jsonLog for a long-running server: lines are gathered and written together
 * after `flushMs` (or every FLUSH_LINES), not with one synchronous console write
 * per request (a fifth of `/health`'s time in the profile). An error line is
 * written at once, with the lines before it; a crash can lose at most the last
 * `flushMs` of info lines. `flush` writes what is left (on shutdown).
 */
export function bufferedJsonLog(
  write: (bytes: Uint8Array) => void,
  flushMs = 50,
): { log: (fields: Record<string, unknown>) => void; flush: () => void } {
  const encoder = new TextEncoder();
  let pending = "";
  let lines = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const bytes = encoder.encode(pending);
    pending = "";
    lines = 0;
    write(bytes);
  };
  const log = (fields: Record<string, unknown>) => {
    pending += line(fields) + "\n";
    if (fields.level === "error" || ++lines >= FLUSH_LINES) flush();
    else timer ??= setTimeout(flush, flushMs);
  };
  return { log, flush };
}
