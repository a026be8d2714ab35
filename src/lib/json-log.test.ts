/** The buffered log writer (json-log.ts): every line, in order, whole; never a throw. @module */
import assert from "node:assert/strict";
import { bufferedJsonLog, wholeLinePieces } from "./json-log.ts";

const decoder = new TextDecoder();

Deno.test("buffered log: lines in order, errors at once, a dead output never throws", async () => {
  const written: string[] = [];
  const logger = bufferedJsonLog((bytes) => written.push(decoder.decode(bytes)), 10);
  logger.log({ level: "info", msg: "one" });
  logger.log({ level: "info", msg: "two" });
  assert.deepEqual(written, [], "info lines wait for the flush");
  logger.log({ level: "error", msg: "three" });
  assert.equal(written.length, 1, "an error line is written at once, with the lines before it");
  logger.log({ level: "info", msg: "four" });
  await new Promise((r) => setTimeout(r, 30));
  const lines = written.join("").trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.msg), ["one", "two", "three", "four"]);
  assert.ok(lines.every((l) => typeof l.time === "string"));

  const broken = bufferedJsonLog(() => {
    throw new Deno.errors.BrokenPipe("closed");
  });
  broken.log({ level: "error", msg: "nowhere" });
  broken.log({ level: "info", msg: "nowhere either" });
  broken.flush();
});

Deno.test("log pieces: whole lines of at most PIPE_BUF bytes, a longer line alone", () => {
  const encoder = new TextEncoder();
  const text = Array.from({ length: 300 }, (_, i) => `{"n":${i},"pad":"${"é".repeat(i % 40)}"}\n`)
    .join("") + `{"long":"${"x".repeat(9000)}"}\n{"last":1}\n`;
  const bytes = encoder.encode(text);
  const pieces = wholeLinePieces(bytes, 4096);
  assert.equal(pieces.map((p) => decoder.decode(p)).join(""), text);
  for (const piece of pieces) {
    assert.equal(piece.at(-1), 0x0a, "every piece ends a line");
    const lines = decoder.decode(piece).trimEnd().split("\n");
    assert.ok(piece.length <= 4096 || lines.length === 1, `${piece.length} bytes`);
    for (const line of lines) JSON.parse(line);
  }
  assert.ok(pieces.length > 3);
});
