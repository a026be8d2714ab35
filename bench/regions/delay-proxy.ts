/**
 * A userspace stand-in for network distance (`tc netem` needs privileges this
 * machine does not give): a TCP proxy on 127.0.0.1 that holds every chunk for
 * `delayMs` in each direction, in order, so a round trip through it costs
 * 2 × delayMs plus the upstream's own time.
 * @module
 */

/** Copies `from` to `to`, each chunk sent `delayMs` after it arrived. */
async function delayedPipe(from: Deno.Conn, to: Deno.Conn, delayMs: number): Promise<void> {
  const queue: { at: number; data: Uint8Array }[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const writer = (async () => {
    for (;;) {
      const next = queue.shift();
      if (!next) {
        if (ended) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const wait = next.at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      let written = 0;
      while (written < next.data.length) written += await to.write(next.data.subarray(written));
    }
    try {
      await to.closeWrite();
    } catch { /* already closed */ }
  })();
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await from.read(buffer);
      if (n === null) break;
      queue.push({ at: performance.now() + delayMs, data: buffer.slice(0, n) });
      wake?.();
    }
  } catch { /* reset by a peer */ }
  ended = true;
  wake?.();
  await writer.catch(() => {});
}

/** Starts the proxy; `close` stops listening and drops its connections. */
export function startDelayProxy(
  o: { port: number; upstreamPort: number; delayMs: number },
): { close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: o.port });
  const open = new Set<Deno.Conn>();
  (async () => {
    for await (const client of listener) {
      (async () => {
        let upstream: Deno.TcpConn;
        try {
          upstream = await Deno.connect({ hostname: "127.0.0.1", port: o.upstreamPort });
        } catch {
          client.close();
          return;
        }
        // Small writes go out at once: Nagle's wait for an ACK would add to the delay.
        client.setNoDelay(true);
        upstream.setNoDelay(true);
        open.add(client).add(upstream);
        await Promise.all([
          delayedPipe(client, upstream, o.delayMs),
          delayedPipe(upstream, client, o.delayMs),
        ]);
        for (const conn of [client, upstream]) {
          open.delete(conn);
          try {
            conn.close();
          } catch { /* closed */ }
        }
      })();
    }
  })().catch(() => {});
  return {
    close: () => {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
    },
  };
}
