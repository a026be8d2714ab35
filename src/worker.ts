/**
 * Cloudflare Workers entry (SPEC §7): the same app as the Deno entry, built from
 * Worker dependencies (worker-deps.ts), plus the per-user notifications Durable
 * Object class and the cron trigger's `scheduled` handler (reminders, visa and
 * passport expiry).
 *
 * Migrations are applied by a task (`deno task migrate`, or wrangler for D1), never
 * here; until the database has reached the newest migration this build knows, every
 * request is refused with a 503 that says so.
 * @module
 */
import { createApp } from "./app.ts";
import { schemaProblem } from "./db/schema-version.ts";
import type { ExecutionContext, ScheduledController } from "./edge/cloudflare.ts";
import type { AppDeps } from "./lib/context.ts";
import { ApiError, errorBody } from "./lib/errors.ts";
import { uuidv7 } from "./lib/ids.ts";
import { runScheduledJob } from "./notifications/scheduled.ts";
import { workerDeps, type WorkerEnv } from "./worker-deps.ts";

export { RateLimitCounter } from "./edge/rate-limit-counter.ts";
export { UserNotifications } from "./edge/user-notifications.ts";

/** A refused schema is looked at again after this long, so a migration needs no redeploy. */
const SCHEMA_RECHECK_MS = 5_000;

type Instance = {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  /** Null once the schema is current; else why the Worker will not serve. */
  schemaRefusal: () => Promise<string | null>;
};

let instance: Promise<Instance> | undefined;

/** Builds the app once per isolate (again only if building failed). */
function instanceFor(env: WorkerEnv): Promise<Instance> {
  instance ??= build(env).catch((error) => {
    instance = undefined;
    throw error;
  });
  return instance;
}

async function build(env: WorkerEnv): Promise<Instance> {
  const { deps, ledger } = await workerDeps(env);
  let checked: { at: number; problem: string | null } | undefined;
  const schemaRefusal = async () => {
    // Once the schema is current it stays so for this isolate's build.
    if (checked?.problem === null) return null;
    if (checked && Date.now() - checked.at < SCHEMA_RECHECK_MS) return checked.problem;
    const problem = await schemaProblem(deps.db, ledger);
    checked = { at: Date.now(), problem };
    if (problem) deps.log({ level: "error", msg: "schema_outdated", problem });
    return problem;
  };
  return { app: createApp(deps), deps, schemaRefusal };
}

function unavailable(code: string, message: string): Response {
  const requestId = uuidv7();
  return Response.json(errorBody(new ApiError(503, code, message), requestId), {
    status: 503,
    headers: { "X-Request-ID": requestId, "Retry-After": "5", "Cache-Control": "no-store" },
  });
}

function logError(msg: string, error: unknown): void {
  console.error(
    JSON.stringify({ time: new Date().toISOString(), level: "error", msg, error: String(error) }),
  );
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let worker: Instance;
    try {
      worker = await instanceFor(env);
    } catch (error) {
      logError("worker_misconfigured", error);
      return unavailable(
        "misconfigured",
        "The service is not configured; the Worker's logs say what is missing.",
      );
    }
    let refusal: string | null;
    try {
      refusal = await worker.schemaRefusal();
    } catch (error) {
      logError("database_unreachable", error);
      return unavailable("database_unreachable", "The database cannot be reached; retry shortly.");
    }
    if (refusal) return unavailable("schema_outdated", refusal);
    return worker.app.fetch(request, env, ctx);
  },

  /** The cron trigger: the same job as `deno task reminders`, idempotent by dedupe key. */
  async scheduled(_controller: ScheduledController, env: WorkerEnv): Promise<void> {
    const worker = await instanceFor(env);
    const refusal = await worker.schemaRefusal();
    if (refusal) throw new Error(refusal);
    await runScheduledJob(worker.deps);
  },
};
