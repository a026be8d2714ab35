/**
 * A small Server-Sent Events reader for tests: opens a stream through the app (or
 * over HTTP with `fetch`), parses frames as an EventSource would, and lets a test
 * wait for events or for the stream to end.
 * @module
 */

export type SseEvent = { id?: string; event?: string; data: string };

export type SseStream = {
  response: Response;
  /** Every event so far, in order. */
  events: SseEvent[];
  /** Comment lines (heartbeats) seen so far. */
  comments: string[];
  /** Resolves once `count` events have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves once the first frame arrived (the subscription is live). */
  connected(): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Disconnects, as a browser closing the tab. */
  close(): Promise<void>;
};

/** Reads an already-open event-stream response. */
export function readSse(response: Response): SseStream {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const notify = () => waiters.forEach((w) => w());
  const parseFrame = (frame: string) => {
    const event: SseEvent = { data: "" };
    const data: string[] = [];
    for (const line of frame.split("\n")) {
      if (line.startsWith(":")) comments.push(line.slice(1).trim());
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith("id: ")) event.id = line.slice(4);
      else if (line.startsWith("event: ")) event.event = line.slice(7);
    }
    if (data.length > 0) {
      event.data = data.join("\n");
      events.push(event);
    }
  };
  const ended = (async () => {
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let split;
        while ((split = buffer.indexOf("\n\n")) >= 0) {
          parseFrame(buffer.slice(0, split));
          buffer = buffer.slice(split + 2);
        }
        notify();
      }
    } catch {
      /* cancelled */
    } finally {
      notify();
    }
  })();
  let finished = false;
  ended.then(() => (finished = true));
  const until = (ready: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (ready()) settle();
        else if (finished) settle(new Error(`stream ended before ${what}`));
      };
      waiters.add(check);
      check();
    });
  return {
    response,
    events,
    comments,
    ended,
    waitFor(count, timeoutMs = 2000) {
      return until(() => events.length >= count, `${count} events`, timeoutMs)
        .then(() => events.slice(0, count));
    },
    connected: () => until(() => comments.includes("connected"), "connected", 2000),
    async close() {
      await reader.cancel().catch(() => {});
      await ended;
    },
  };
}
