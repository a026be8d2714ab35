/**
 * The Worker end to end (SPEC §7): `wrangler dev` on 127.0.0.1 runs src/worker.ts
 * in workerd, on a local D1 database (miniflare's SQLite, migrated with wrangler
 * from the same generated migrations), with the per-user Durable Objects. Driven
 * over HTTP only: the refusal of an unmigrated database, the Turso client's wiring,
 * logins, a scoped list, task assignments delivered through the assignee's Durable
 * Object to every stream of that user and to nobody else, a disconnected stream
 * dropped from the object, replay after reconnect, the cron trigger's job, and an
 * idle object that hibernates and wakes with its links.
 *
 * Wrangler comes from edge/npm/package.json (installed here with `npm ci` if needed).
 * The test is skipped, saying why, only when it cannot be installed.
 * `EDGE_TEST_LOG=<file>` keeps wrangler's and the Worker's output.
 * @module
 */
import assert from "node:assert/strict";
import { generatePrivateJwk } from "../src/auth/keys.ts";
import { scryptHasher } from "../src/auth/passwords.ts";
import { uuidv7 } from "../src/lib/ids.ts";
import {
  applyLocalMigrations,
  type DevServer,
  ensureWrangler,
  executeLocal,
  freePort,
  platformAdminSql,
  startDev,
} from "../edge/wrangler.ts";
import { readSse, type SseStream } from "./sse.ts";

const installed = await ensureWrangler();
if (!installed.ok) {
  console.warn(
    `SKIPPED the edge end-to-end test: wrangler could not be installed. ${installed.reason}`,
  );
}

const ADMIN = "platform@edge.test";
const PASSWORD = "edge-password-2026";
/** What the SPEC asks of delivery: from the write to the event at the client. */
const DELIVERY_LIMIT_MS = 2000;
/** Short, so a gone client is noticed quickly (the heartbeat is when the Worker writes). */
const HEARTBEAT_SECONDS = 1;
/** A gone client is noticed by the abort signal, or at worst by a heartbeat write or two. */
const UNLINK_MS = 2000 + 3 * HEARTBEAT_SECONDS * 1000;
/** Longer than workerd keeps an idle Durable Object in memory. */
const IDLE_MS = 28_000;

type Json = Record<string, unknown>;

/** The published-notification log lines of the Worker's hub (one per publish RPC). */
function publishedLines(dev: DevServer, userId: string): Json[] {
  return dev.lines.filter((l) => l.includes('"notification_published"'))
    .map((l) => JSON.parse(l.slice(l.indexOf("{"))) as Json)
    .filter((l) => l.user === userId);
}

async function waitUntil(what: string, ready: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Requests per minute per user in this scenario (the last step spends one user's). */
const USER_LIMIT = 60;

Deno.test({
  name: "edge: the Worker under wrangler dev serves the API on D1 and delivers notifications " +
    "through the user's Durable Object",
  ignore: !installed.ok,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const started = performance.now();
    const persistTo = await Deno.makeTempDir({ prefix: "leopard-edge-" });
    let dev: DevServer | undefined;
    const streams: SseStream[] = [];
    /** A step; the scenario stops at the first that fails (each builds on the last). */
    const step = async (name: string, fn: () => Promise<void>) => {
      if (!(await t.step(name, fn))) throw new Error(`step failed: ${name}`);
    };
    const vars = {
      JWT_PRIVATE_JWK: JSON.stringify(await generatePrivateJwk()),
      SSE_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
      RATE_LIMIT_PER_MINUTE: String(USER_LIMIT),
      // Off: /health polls while wrangler starts would count, and counts now persist.
      ANON_RATE_LIMIT_PER_MINUTE: "0",
    };
    try {
      await step("on an unmigrated database the Worker refuses to serve, saying why", async () => {
        dev = await startDev({ port: freePort(), persistTo, vars });
        const res = await fetch(`${dev.url}/api/v1/auth/login`, { method: "POST" });
        const body = await res.json();
        assert.equal(res.status, 503);
        assert.equal(body.error, "schema_outdated");
        assert.match(body.message, /it has no migration, this build needs \d{4}_/);
        await dev.stop();
      });

      await step(
        "with DATABASE_URL set it speaks Turso's HTTP protocol to that URL, with the token",
        async () => {
          // Not a database: a listener that records what the Worker sends, then fails it.
          const seen: { method: string; path: string; auth: string | null; body: string }[] = [];
          const fake = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (r) => {
            const path = new URL(r.url).pathname;
            seen.push({
              method: r.method,
              path,
              auth: r.headers.get("authorization"),
              body: await r.text(),
            });
            return new Response("unavailable", { status: r.method === "GET" ? 404 : 503 });
          });
          try {
            dev = await startDev({
              port: freePort(),
              persistTo,
              vars: {
                ...vars,
                DATABASE_URL: `http://127.0.0.1:${fake.addr.port}`,
                DATABASE_AUTH_TOKEN: "turso-token",
              },
            });
            const res = await fetch(`${dev.url}/api/v1/auth/me`);
            const body = await res.json();
            assert.equal(res.status, 503);
            assert.equal(body.error, "database_unreachable");
            const pipeline = seen.find((r) => r.method === "POST");
            assert.ok(pipeline, JSON.stringify(seen));
            assert.equal(pipeline.path, "/v2/pipeline");
            assert.equal(pipeline.auth, "Bearer turso-token");
            assert.match(pipeline.body, /__drizzle_migrations/);
            await dev.stop();
          } finally {
            await fake.shutdown();
          }
        },
      );

      await applyLocalMigrations({ persistTo });
      // Only the platform admin is inserted directly; everything else goes through the API.
      const cheap = scryptHasher({ N: 2 ** 10, r: 8, p: 1 });
      await executeLocal(platformAdminSql(uuidv7(), ADMIN, await cheap.hash(PASSWORD)), {
        persistTo,
      });
      dev = await startDev({ port: freePort(), persistTo, vars });
      const base = dev.url;
      const setupMs = performance.now() - started;

      const api = async (
        method: string,
        path: string,
        o: { token?: string; body?: unknown; tenant?: string } = {},
      ) => {
        const headers: Record<string, string> = {};
        if (o.token) headers.authorization = `Bearer ${o.token}`;
        if (o.tenant) headers["x-tenant-id"] = o.tenant;
        if (o.body !== undefined) headers["content-type"] = "application/json";
        const res = await fetch(`${base}/api/v1${path}`, {
          method,
          headers,
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, text };
      };
      const created = async (path: string, token: string, body: Json, tenant?: string) => {
        const res = await api("POST", path, { token, body, tenant });
        assert.equal(res.status, 201, `POST ${path}: ${res.status} ${res.text}`);
        return res.body as Json & { id: string };
      };
      const login = async (email: string) => {
        const res = await api("POST", "/auth/login", { body: { email, password: PASSWORD } });
        assert.equal(res.status, 200, `login ${email}: ${res.text}`);
        return res.body.access_token as string;
      };
      const openStream = async (token: string, o: { lastEventId?: number } = {}) => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (o.lastEventId !== undefined) headers["last-event-id"] = String(o.lastEventId);
        const res = await fetch(`${base}/api/v1/notifications/stream`, { headers });
        assert.equal(res.status, 200, res.status === 200 ? "" : await res.text());
        assert.equal(res.headers.get("content-type"), "text/event-stream");
        const stream = readSse(res);
        streams.push(stream);
        await stream.connected();
        return stream;
      };

      const w = {} as Record<"platform" | "admin" | "consultant", string>;
      const ids = {} as Record<"consultant" | "admin" | "clientA" | "clientB" | "tenant", string>;

      await step("logins, a tenant and its staff are created through the API on D1", async () => {
        w.platform = await login(ADMIN);
        const tenant = await created("/tenants", w.platform, { name: "Edge Agency" });
        ids.tenant = tenant.id;
        const region = await created("/regions", w.platform, { name: "North" }, tenant.id);
        const branchA = await created(
          "/branches",
          w.platform,
          { name: "A", region_id: region.id },
          tenant.id,
        );
        const branchB = await created(
          "/branches",
          w.platform,
          { name: "B", region_id: region.id },
          tenant.id,
        );
        const person = (role: string, extra: Json = {}) => ({
          email: `${role}@edge.test`,
          password: PASSWORD,
          first_name: role,
          last_name: "Edge",
          role,
          ...extra,
        });
        await created("/users", w.platform, person("super_admin"), tenant.id);
        const superAdmin = await login("super_admin@edge.test");
        await created("/users", superAdmin, person("country_manager"));
        const countryManager = await login("country_manager@edge.test");
        await created("/users", countryManager, person("region_manager", { region_id: region.id }));
        const regionManager = await login("region_manager@edge.test");
        ids.admin = (await created(
          "/users",
          regionManager,
          person("branch_admin", { branch_id: branchA.id }),
        )).id;
        w.admin = await login("branch_admin@edge.test");
        ids.consultant = (await created(
          "/users",
          w.admin,
          person("consultant", { branch_id: branchA.id }),
        )).id;
        w.consultant = await login("consultant@edge.test");

        ids.clientA = (await created("/clients", w.admin, {
          first_name: "Asha",
          last_name: "Karki",
          assigned_to: ids.consultant,
        })).id;
        ids.clientB = (await created("/clients", regionManager, {
          first_name: "Bo",
          last_name: "Other",
          branch_id: branchB.id,
        })).id;
        const regionView = await api("GET", "/clients/", { token: regionManager });
        assert.equal(regionView.body.count, 2);
      });

      await step("a consultant's list holds only its own branch's clients", async () => {
        const list = await api("GET", "/clients/?page_size=10", { token: w.consultant });
        assert.equal(list.status, 200, list.text);
        assert.equal(list.body.count, 1);
        const [only] = list.body.results as Json[];
        assert.equal(only.id, ids.clientA);
      });

      await step("documents: a checklist item's file is stored in R2 and downloaded", async () => {
        const category = await created("/visa-categories", w.platform, {
          name: "Visitor",
          code: "VISITOR",
        }, ids.tenant);
        const type = await created("/visa-types", w.platform, {
          visa_category_id: category.id,
          name: "Visitor visa",
          code: "600",
          checklist: [{ item: "Passport", required: true }],
        }, ids.tenant);
        const application = await created("/visa-applications", w.consultant, {
          client_id: ids.clientA,
          visa_type_id: type.id,
        });
        assert.deepEqual(application.documents, { required: 1, received: 0, verified: 0 });
        const items = await api("GET", `/visa-applications/${application.id}/documents`, {
          token: w.consultant,
        });
        const [item] = items.body.results as { id: string }[];
        const upload = (bytes: Uint8Array, name: string) => {
          const form = new FormData();
          form.append("file", new File([bytes as BlobPart], name));
          return fetch(
            `${base}/api/v1/visa-applications/${application.id}/documents/${item.id}/files`,
            { method: "POST", headers: { authorization: `Bearer ${w.consultant}` }, body: form },
          );
        };
        const pdf = new TextEncoder().encode("%PDF-1.7\n% edge passport\n%%EOF\n");
        const refused = await upload(new TextEncoder().encode("plain text"), "note.txt");
        assert.equal(refused.status, 415);
        assert.equal((await refused.json()).error, "unsupported_file_type");
        const stored = await upload(pdf, "passport.pdf");
        assert.equal(stored.status, 201);
        const file = await stored.json();
        const download = await fetch(`${base}/api/v1/files/${file.id}`, {
          headers: { authorization: `Bearer ${w.consultant}` },
        });
        assert.equal(download.status, 200);
        assert.deepEqual(new Uint8Array(await download.arrayBuffer()), pdf);
        const outsider = await api("GET", `/files/${file.id}`, { token: w.platform });
        assert.equal(outsider.status, 400, "a platform admin must name the tenant");
      });

      await step(
        "D1 read replication: every answer carries a Leopard-Bookmark that reads see again",
        async () => {
          const send = (method: string, path: string, bookmark?: string, body?: unknown) =>
            fetch(`${base}/api/v1${path}`, {
              method,
              headers: {
                authorization: `Bearer ${w.consultant}`,
                ...(bookmark === undefined ? {} : { "leopard-bookmark": bookmark }),
                ...(body === undefined ? {} : { "content-type": "application/json" }),
              },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
          const wrote = await send("POST", "/clients", undefined, {
            first_name: "Read",
            last_name: "Own-Write",
          });
          assert.equal(wrote.status, 201);
          const { id } = await wrote.json();
          const bookmark = wrote.headers.get("leopard-bookmark");
          assert.ok(bookmark, "a write answers its bookmark");
          const read = await send("GET", `/clients/${id}`, bookmark);
          assert.equal(read.status, 200);
          await read.body?.cancel();
          assert.ok(read.headers.get("leopard-bookmark")! >= bookmark);
          // A forged bookmark changes where a read may run, never what it may see.
          const future = "ffffffff-ffffffff-ffffffff-" + "0".repeat(32);
          const forged = await send("GET", `/clients/${ids.clientB}`, future);
          assert.equal(forged.status, 404, "a forged bookmark reads nothing out of scope");
          console.log(`D1 bookmark ${bookmark}; a forged one answers ${forged.status}`);
          await forged.body?.cancel();
          const bad = await send("GET", "/clients/", "not a bookmark; DROP TABLE");
          assert.equal(bad.status, 400);
          assert.equal((await bad.json()).error, "invalid_bookmark");
        },
      );

      let s1: SseStream, s2: SseStream, adminStream: SseStream;
      /** Live deliveries: when the write was sent, and when its event reached the client. */
      const deliveries: { seq: number; wrote: number; arrived: number }[] = [];
      const assign = async (title: string) => {
        const wrote = Date.now();
        await created("/tasks", w.admin, { title, assigned_to: ids.consultant });
        return wrote;
      };
      const delivered = async (stream: SseStream, count: number, wrote: number) => {
        const events = await stream.waitFor(count, DELIVERY_LIMIT_MS);
        deliveries.push({ seq: Number(events[count - 1].id), wrote, arrived: Date.now() });
        return events;
      };

      await step(
        "a task assignment reaches both of the assignee's streams within 2 s, and no one else's",
        async () => {
          s1 = await openStream(w.consultant);
          s2 = await openStream(w.consultant);
          adminStream = await openStream(w.admin);
          const wrote = await assign("Collect the police certificate");
          const [[e1], [e2]] = await Promise.all([
            delivered(s1, 1, wrote),
            delivered(s2, 1, wrote),
          ]);
          for (const e of [e1, e2]) {
            assert.equal(e.id, "1");
            assert.equal(e.event, "notification");
            const data = JSON.parse(e.data);
            assert.equal(data.type, "task_assigned");
            assert.equal(data.recipient_id, ids.consultant);
          }
          await waitUntil("the publish log", () => publishedLines(dev!, ids.consultant).length > 0);
          assert.equal(publishedLines(dev!, ids.consultant)[0].links, 2);
          // The branch admin's own object got nothing, and its stream saw nothing.
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(adminStream.events.length, 0);
          assert.equal(publishedLines(dev!, ids.admin).length, 0);
        },
      );

      await step("a disconnected stream is dropped from the object", async () => {
        const closedLinks = () => dev!.lines.filter((l) => l.includes('"link_closed"')).length;
        const before = closedLinks();
        await s2.close();
        // The request's abort signal, or failing that the next heartbeat write, ends the
        // stream; its link closes and the object logs it.
        await waitUntil("the object to drop the link", () => closedLinks() > before, UNLINK_MS);
        await delivered(s1, 2, await assign("Book the medical"));
        assert.equal(s1.events[1].id, "2");
        await waitUntil("the publish log", () => publishedLines(dev!, ids.consultant).length > 1);
        assert.equal(publishedLines(dev!, ids.consultant)[1].links, 1);
        assert.equal(s2.events.length, 1);
        assert.equal(adminStream.events.length, 0);
      });

      await step(
        "a reconnect with Last-Event-ID replays what was missed, then goes live",
        async () => {
          await s1.close();
          await assign("Translate the birth certificate"); // seq 3, while offline
          await assign("Certify the translation"); // seq 4
          const again = await openStream(w.consultant, { lastEventId: 2 });
          await again.waitFor(2, DELIVERY_LIMIT_MS);
          await delivered(again, 3, await assign("Lodge the application")); // seq 5, live
          assert.deepEqual(again.events.map((e) => e.id), ["3", "4", "5"]);
          assert.deepEqual(
            again.events.map((e) => JSON.parse(e.data).title),
            [
              "New task: Translate the birth certificate",
              "New task: Certify the translation",
              "New task: Lodge the application",
            ],
          );
        },
      );

      await step("the cron trigger runs the reminders job and delivers live", async () => {
        const live = streams[streams.length - 1];
        const today = new Date().toISOString().slice(0, 10);
        await created("/reminders", w.admin, {
          client_id: ids.clientA,
          date: today,
          message: "Call about the offer letter",
          assigned_to: ids.consultant,
        });
        const wrote = Date.now();
        const cron = await fetch(`${base}/__scheduled?cron=*/5+*+*+*+*`);
        await cron.body?.cancel();
        assert.equal(cron.status, 200);
        await delivered(live, 4, wrote);
        const event = JSON.parse(live.events[3].data);
        assert.equal(event.type, "reminder_due");
        assert.equal(live.events[3].id, "6");
      });

      await step(
        "an idle object hibernates and wakes on the next publish with its link kept",
        async () => {
          const live = streams[streams.length - 1];
          const starts = () => dev!.lines.filter((l) => l.includes('"object_started"')).length;
          const before = starts();
          const idleFrom = Date.now();
          await new Promise((r) => setTimeout(r, IDLE_MS));
          await delivered(live, 5, await assign("After the quiet"));
          // wrangler's log line of the restart can trail the delivered event a little.
          for (let waited = 0; starts() <= before && waited < 3000; waited += 100) {
            await new Promise((r) => setTimeout(r, 100));
          }
          console.log(`idle ${Date.now() - idleFrom} ms; starts ${before} -> ${starts()}`);
          assert.ok(starts() > before, "the object was not evicted while idle");
        },
      );

      // The hub logs when each publish started (`at`), so publish → client is measurable too.
      const publishedAt = new Map(
        publishedLines(dev, ids.consultant).map((l) => [Number(l.seq), Number(l.at)]),
      );
      const writeToEvent = deliveries.map((d) => d.arrived - d.wrote);
      const publishToEvent = deliveries.map((d) => d.arrived - publishedAt.get(d.seq)!);
      console.log(
        `edge e2e: setup ${Math.round(setupMs)} ms; write → event at client ` +
          `${writeToEvent.join(", ")} ms; publish → event at client ` +
          `${publishToEvent.join(", ")} ms; total ${Math.round(performance.now() - started)} ms`,
      );
      for (const ms of writeToEvent) assert.ok(ms < DELIVERY_LIMIT_MS, `${ms} ms`);

      await step(
        "rate limits live in a Durable Object per key: a new isolate sees the same count",
        async () => {
          const token = await login("country_manager@edge.test");
          const me = async (url: string) => {
            const res = await fetch(`${url}/api/v1/auth/me`, {
              headers: { authorization: `Bearer ${token}` },
            });
            await res.body?.cancel();
            return res;
          };
          let allowed = 0;
          let refused: Response | undefined;
          while (!refused && allowed <= USER_LIMIT + 5) {
            const res = await me(base);
            if (res.status === 429) refused = res;
            else {
              assert.equal(res.status, 200);
              assert.equal(res.headers.get("ratelimit-limit"), String(USER_LIMIT));
              allowed++;
            }
          }
          assert.ok(refused, `no 429 after ${allowed} calls`);
          assert.ok(allowed >= USER_LIMIT - 1, `only ${allowed} allowed`);
          assert.ok(Number(refused.headers.get("retry-after")) >= 1);
          assert.equal(refused.headers.get("ratelimit-remaining"), "0");

          // A new wrangler dev is a new isolate with empty memory; the objects' storage
          // (in persistTo) is what it shares with the old one, as isolates share objects.
          const spent = Date.now();
          await dev!.stop();
          dev = await startDev({ port: freePort(), persistTo, vars });
          const res = await me(dev.url);
          const refilled = Math.ceil((Date.now() - spent) / (60_000 / USER_LIMIT)) + 1;
          const remaining = res.status === 429 ? 0 : Number(res.headers.get("ratelimit-remaining"));
          console.log(
            `rate limit: ${allowed} allowed, then 429; after a restart ` +
              `${
                Math.round((Date.now() - spent) / 1000)
              } s later: ${res.status}, ${remaining} left`,
          );
          assert.ok(remaining <= refilled, `${remaining} left: the count was not kept`);
        },
      );
    } catch (error) {
      if (dev) console.error(`wrangler output (last lines):\n${dev.lines.slice(-60).join("\n")}`);
      throw error;
    } finally {
      await Promise.all(streams.map((s) => s.close()));
      await dev?.stop();
      // EDGE_TEST_LOG=path keeps everything wrangler and the Worker printed.
      const keep = Deno.env.get("EDGE_TEST_LOG");
      if (keep && dev) await Deno.writeTextFile(keep, dev.lines.join("\n") + "\n");
      await Deno.remove(persistTo, { recursive: true }).catch(() => {});
    }
  },
});
