/** The structured log line every runtime writes: one JSON object per line. @module */

/** Writes `line` with the current time as one JSON line on standard output. */
export function jsonLog(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...line }));
}
