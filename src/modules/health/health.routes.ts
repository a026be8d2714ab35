/** GET /health: is the database reachable, and how fast. @module */
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { createRouter, errorResponses, jsonResponse } from "../../lib/router.ts";

const HealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({
    reachable: z.boolean(),
    latency_ms: z.number().nullable().openapi({ example: 0.4 }),
  }),
  time: z.string().openapi({ example: "2026-11-21T10:00:00.000Z" }),
}).openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Liveness and database reachability",
  responses: {
    200: jsonResponse(HealthSchema, "Healthy"),
    503: jsonResponse(HealthSchema, "The database is unreachable"),
    429: errorResponses[429],
  },
});

export const healthRouter = createRouter().openapi(route, async (c) => {
  const { db, clock } = c.get("deps");
  const started = performance.now();
  let reachable = true;
  try {
    await db.run(sql`SELECT 1`);
  } catch {
    reachable = false;
  }
  const latency = reachable ? Math.round((performance.now() - started) * 100) / 100 : null;
  const body = {
    status: reachable ? "ok" as const : "degraded" as const,
    database: { reachable, latency_ms: latency },
    time: clock().toISOString(),
  };
  c.header("Cache-Control", "no-store");
  return reachable ? c.json(body, 200) : c.json(body, 503);
});
