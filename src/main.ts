/**
 * Deno entry: reads the environment, builds the dependencies (native libSQL,
 * embedded file migrated on start), serves the app on PORT.
 * @module
 */
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { denoDeps } from "./deno-deps.ts";

const config = loadConfig(Deno.env.toObject());
const { deps, client } = await denoDeps(config);
const app = createApp(deps);

const server = Deno.serve({
  port: config.port,
  hostname: Deno.env.get("HOST") ?? "127.0.0.1",
  onListen: ({ hostname, port }) => {
    console.log(
      `Leopard API on http://${hostname}:${port} · docs http://${hostname}:${port}/api/docs`,
    );
  },
}, (request, info) => app.fetch(request, info));

const shutdown = async () => {
  await server.shutdown();
  client.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
