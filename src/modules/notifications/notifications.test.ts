import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { runBatch } from "../../db/batch.ts";
import type { NotificationType } from "../../db/schema/index.ts";
import { localHub } from "../../notifications/hub.ts";
import { deliverNotifications, notificationSteps } from "../../notifications/notify.ts";
import { notificationPoller } from "../../notifications/poller.ts";
import { streamRegistry } from "../../notifications/stream.ts";
import {
  assertError,
  buildWorld,
  call,
  createTestApp,
  results,
  type TestApp,
  type World,
} from "../../../tests/support.ts";
import { readSse, type SseStream } from "../../../tests/sse.ts";

const BASE = "/api/v1/notifications";

/** Commits notifications the way services do (same batch helper, then delivery). */
async function notify(
  t: TestApp,
  recipient: { id: string; tenant_id: string | null },
  count = 1,
  type: NotificationType = "task_assigned",
) {
  const drafts = Array.from({ length: count }, (_, i) => ({
    tenantId: recipient.tenant_id!,
    recipientId: recipient.id,
    type,
    title: `Note ${i}`,
    createdBy: null,
  }));
  const { steps, ids } = notificationSteps(t.db, drafts, t.deps.clock());
  await runBatch(t.db, steps);
  await deliverNotifications(t.db, t.deps.hub, ids);
  return ids;
}

async function open(
  t: TestApp,
  options: { token?: string; query?: string; headers?: Record<string, string> },
): Promise<SseStream> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await t.app.request(`${BASE}/stream${options.query ?? ""}`, { headers });
  assert.equal(response.status, 200, await (response.status === 200 ? "" : response.text()));
  const stream = readSse(response);
  await stream.connected();
  return stream;
}

const seqs = (stream: SseStream) => stream.events.map((e) => Number(e.id));
const quiet = (ms = 60) => new Promise((r) => setTimeout(r, ms));

async function setup(config = {}) {
  const t = await createTestApp(config);
  const w: World = await buildWorld(t);
  return { t, w };
}

Deno.test("notification REST API: only the recipient reads and changes its notifications", async (s) => {
  const { t, w } = await setup();
  const mine = await notify(t, w.users.consultant, 3);
  await notify(t, w.users.consultant, 1, "reminder_due");
  const theirs = await notify(t, w.users.consultantA1b, 1);
  const token = w.tokens.consultant;

  await s.step("the list holds only the caller's, newest first, with seq", async () => {
    const res = await call(t, "GET", BASE, { token });
    assert.equal(res.body.count, 4);
    assert.deepEqual(results(res).map((n) => n.seq), [4, 3, 2, 1]);
    assert.ok(results(res).every((n) => n.recipient_id === w.users.consultant.id));
    assert.ok(results(res).every((n) => !("dedupe_key" in n)));
  });

  await s.step("filters by type and read state, and pages in both modes", async () => {
    const reminders = await call(t, "GET", `${BASE}?type=reminder_due`, { token });
    assert.equal(reminders.body.count, 1);
    const page = await call(t, "GET", `${BASE}?page_size=2&ordering=seq`, { token });
    assert.deepEqual(results(page).map((n) => n.seq), [1, 2]);
    assert.ok(String(page.body.next).includes("page=2"));
    const cursor = await call(t, "GET", `${BASE}?cursor=&page_size=3`, { token });
    assert.equal(cursor.body.count, null);
    const next = await call(
      t,
      "GET",
      new URL(String(cursor.body.next)).pathname +
        new URL(String(cursor.body.next)).search,
      { token },
    );
    assert.deepEqual(
      [...results(cursor), ...results(next)].map((n) => n.seq),
      [4, 3, 2, 1],
    );
  });

  await s.step(
    "another user's notification is 404 to read and to change, even for a manager",
    async () => {
      for (const who of ["consultant", "branchAdmin", "superAdmin", "consultantB"] as const) {
        assertError(await call(t, "GET", `${BASE}/${theirs[0]}`, { token: w.tokens[who] }), 404);
        assertError(
          await call(t, "PATCH", `${BASE}/${theirs[0]}`, {
            token: w.tokens[who],
            body: { read: true },
          }),
          404,
        );
      }
      assertError(await call(t, "GET", `${BASE}/not-a-uuid`, { token }), 404);
    },
  );

  await s.step("PATCH read sets read_at, unread clears it; is_completed is kept", async () => {
    const read = await call(t, "PATCH", `${BASE}/${mine[0]}`, {
      token,
      body: { read: true, is_completed: true },
    });
    assert.equal(read.status, 200);
    assert.equal(read.body.read, true);
    assert.equal(typeof read.body.read_at, "string");
    assert.equal(read.body.is_completed, true);
    const unread = await call(t, "PATCH", `${BASE}/${mine[0]}`, { token, body: { read: false } });
    assert.equal(unread.body.read_at, null);
    assert.equal(unread.body.is_completed, true);
    const unreadList = await call(t, "GET", `${BASE}?read=false`, { token });
    assert.equal(unreadList.body.count, 4);
  });

  await s.step("bad input is a 422 naming the problem", async () => {
    assertError(
      await call(t, "PATCH", `${BASE}/${mine[0]}`, { token, body: { read: "yes" } }),
      422,
    );
    assertError(
      await call(t, "PATCH", `${BASE}/${mine[0]}`, { token, body: { title: "x" } }),
      422,
    );
    assertError(await call(t, "GET", `${BASE}?read=maybe`, { token }), 422);
    assertError(await call(t, "GET", `${BASE}?type=party`, { token }), 422);
  });

  await s.step("mark-all-read marks only the caller's and reports how many", async () => {
    const res = await call(t, "POST", `${BASE}/mark-all-read`, { token });
    assert.equal(res.status, 200);
    assert.equal(res.body.updated, 4);
    const again = await call(t, "POST", `${BASE}/mark-all-read`, { token });
    assert.equal(again.body.updated, 0);
    const other = await call(t, "GET", `${BASE}?read=false`, { token: w.tokens.consultantA1b });
    assert.equal(other.body.count, 1);
  });

  await s.step("without a token every route is 401", async () => {
    assertError(await call(t, "GET", BASE), 401);
    assertError(await call(t, "GET", `${BASE}/stream`), 401);
    assertError(await call(t, "POST", `${BASE}/stream-ticket`), 401);
  });
  t.close();
});

Deno.test("notification stream: delivery, replay and the seam", async (s) => {
  const { t, w } = await setup();

  await s.step("sends SSE headers and delivers only to the recipient", async () => {
    const mine = await open(t, { token: w.tokens.consultant });
    const sameBranch = await open(t, { token: w.tokens.branchAdmin });
    const otherTenant = await open(t, { token: w.tokens.consultantB });
    assert.equal(mine.response.headers.get("content-type"), "text/event-stream");
    assert.equal(mine.response.headers.get("cache-control"), "no-cache");
    assert.equal(mine.response.headers.get("x-accel-buffering"), "no");

    const [id] = await notify(t, w.users.consultant);
    const [event] = await mine.waitFor(1);
    assert.equal(event.event, "notification");
    assert.equal(event.id, "1");
    const data = JSON.parse(event.data);
    assert.equal(data.id, id);
    assert.equal(data.seq, 1);
    await quiet();
    assert.equal(sameBranch.events.length, 0);
    assert.equal(otherTenant.events.length, 0);
    await Promise.all([mine.close(), sameBranch.close(), otherTenant.close()]);
  });

  await s.step(
    "a reconnect with Last-Event-ID gets exactly the missed events, in order, then live ones",
    async () => {
      await notify(t, w.users.consultant, 4); // seq 2..5 while disconnected
      const stream = await open(t, {
        token: w.tokens.consultant,
        headers: { "last-event-id": "2" },
      });
      await stream.waitFor(3);
      await notify(t, w.users.consultant);
      await stream.waitFor(4);
      await quiet();
      assert.deepEqual(seqs(stream), [3, 4, 5, 6]);
      await stream.close();
    },
  );

  await s.step("?last_event_id= works as the header does (EventSource with a ticket)", async () => {
    const stream = await open(t, { token: w.tokens.consultant, query: "?last_event_id=4" });
    await stream.waitFor(2);
    assert.deepEqual(seqs(stream), [5, 6]);
    await stream.close();
  });

  await s.step("a fresh stream without Last-Event-ID starts after the latest", async () => {
    const stream = await open(t, { token: w.tokens.consultant });
    await quiet();
    assert.equal(stream.events.length, 0);
    await notify(t, w.users.consultant);
    await stream.waitFor(1);
    assert.deepEqual(seqs(stream), [7]);
    await stream.close();
  });

  await s.step("events written during a long replay arrive once each, with no gap", async () => {
    const before = 7;
    await notify(t, w.users.consultant, 1200); // more than one replay page
    const stream = await open(t, { token: w.tokens.consultant, query: `?last_event_id=${before}` });
    for (let i = 0; i < 20; i++) await notify(t, w.users.consultant);
    await stream.waitFor(1220, 10_000);
    await quiet();
    const expected = Array.from({ length: 1220 }, (_, i) => before + 1 + i);
    assert.deepEqual(seqs(stream), expected);
    await stream.close();
  });

  await s.step(
    "a lost publish is filled from the database when the next event arrives",
    async () => {
      const stream = await open(t, { token: w.tokens.consultant });
      const { steps } = notificationSteps(t.db, [{
        tenantId: w.tenantA.id,
        recipientId: w.users.consultant.id,
        type: "task_updated",
        title: "never published",
        createdBy: null,
      }], t.deps.clock());
      await runBatch(t.db, steps);
      await notify(t, w.users.consultant);
      const events = await stream.waitFor(2);
      assert.equal(JSON.parse(events[0].data).title, "never published");
      assert.equal(Number(events[1].id), Number(events[0].id) + 1);
      await stream.close();
    },
  );

  await s.step("a bad or empty Last-Event-ID is a 422", async () => {
    for (const value of ["abc", "", "-1", "1.5"]) {
      const res = await call(t, "GET", `${BASE}/stream?last_event_id=${value}`, {
        token: w.tokens.consultant,
      });
      assertError(res, 422);
    }
  });

  await s.step("a Last-Event-ID beyond the latest resumes from the latest", async () => {
    const stream = await open(t, {
      token: w.tokens.consultant,
      headers: { "last-event-id": "999999" },
    });
    const [id] = await notify(t, w.users.consultant);
    const [event] = await stream.waitFor(1);
    assert.equal(JSON.parse(event.data).id, id);
    await stream.close();
  });

  await s.step("closing every stream (a server shutting down) ends them all", async () => {
    const streams = [
      await open(t, { token: w.tokens.consultant }),
      await open(t, { token: w.tokens.branchAdmin }),
    ];
    t.deps.streams.closeAll();
    await Promise.all(streams.map((stream) => stream.ended));
    assert.equal(t.deps.streams.size(), 0);
  });
  t.close();
});

Deno.test("stream tickets: single use, short-lived, tied to the session", async (s) => {
  const { t, w } = await setup();
  const ticketFor = async (token: string) => {
    const res = await call(t, "POST", `${BASE}/stream-ticket`, { token });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.expires_in, 60);
    assert.ok(String(res.body.stream_url).endsWith(`?ticket=${res.body.ticket}`));
    return String(res.body.ticket);
  };

  await s.step("a ticket opens the owner's stream once", async () => {
    const ticket = await ticketFor(w.tokens.consultant);
    const stream = await open(t, { query: `?ticket=${ticket}` });
    await notify(t, w.users.consultant);
    await stream.waitFor(1);
    await stream.close();
    assertError(await call(t, "GET", `${BASE}/stream?ticket=${ticket}`), 401, "invalid_ticket");
  });

  await s.step("a ticket works only on the stream, not as a token elsewhere", async () => {
    const ticket = await ticketFor(w.tokens.consultant);
    assertError(await call(t, "GET", `${BASE}?ticket=${ticket}`), 401);
    assertError(await call(t, "GET", `/api/v1/clients?ticket=${ticket}`), 401);
  });

  await s.step("an expired ticket is refused", async () => {
    const ticket = await ticketFor(w.tokens.consultant);
    t.advance(61_000);
    assertError(await call(t, "GET", `${BASE}/stream?ticket=${ticket}`), 401, "invalid_ticket");
  });

  await s.step("logging out ends the tickets of that session", async () => {
    const res = await call(t, "POST", "/api/v1/auth/login", {
      body: { email: w.users.consultantA1b.email, password: "test-password-123" },
    });
    const token = String(res.body.access_token);
    const ticket = await ticketFor(token);
    await call(t, "POST", "/api/v1/auth/logout", {
      token,
      body: { refresh_token: res.body.refresh_token },
    });
    assertError(await call(t, "GET", `${BASE}/stream?ticket=${ticket}`), 401, "session_revoked");
  });

  await s.step("an unknown ticket is refused", async () => {
    assertError(await call(t, "GET", `${BASE}/stream?ticket=nope`), 401, "invalid_ticket");
  });
  t.close();
});

Deno.test("stream lifecycle: heartbeat, session end, cap and clean-up", async (s) => {
  const { t, w } = await setup({ sseHeartbeatMs: 40, sseMaxStreamsPerUser: 3 });

  await s.step("idle streams get heartbeat comments", async () => {
    const stream = await open(t, { token: w.tokens.consultant });
    await quiet(130);
    assert.ok(stream.comments.filter((c) => c === "heartbeat").length >= 2, stream.comments.join());
    await stream.close();
  });

  await s.step("a deactivated user's stream ends at the next heartbeat", async () => {
    const stream = await open(t, { token: w.tokens.consultantA1b });
    const res = await call(t, "DELETE", `/api/v1/users/${w.users.consultantA1b.id}`, {
      token: w.tokens.branchAdminA1b,
    });
    assert.equal(res.status, 204, res.text);
    await stream.ended;
  });

  await s.step("a user moved to another branch has its stream closed", async () => {
    const stream = await open(t, { token: w.tokens.consultantA2a });
    const res = await call(t, "PATCH", `/api/v1/users/${w.users.consultantA2a.id}`, {
      token: w.tokens.superAdmin,
      body: { branch_id: w.branches.A1a.id },
    });
    assert.equal(res.status, 200, res.text);
    await stream.ended;
  });

  await s.step("opening more streams than the cap closes the oldest", async () => {
    const streams = [];
    for (let i = 0; i < 4; i++) streams.push(await open(t, { token: w.tokens.consultant }));
    await streams[0].ended;
    await notify(t, w.users.consultant);
    for (const stream of streams.slice(1)) await stream.waitFor(1);
    assert.equal(streams[0].events.length, 0);
    await Promise.all(streams.map((stream) => stream.close()));
  });

  await s.step(
    "thousands of connect/disconnect cycles leave no stream or listener behind",
    async () => {
      const hub = t.deps.hub as { listenerCount?: () => number };
      for (let i = 0; i < 2000; i++) {
        const stream = await open(t, { token: w.tokens.branchAdmin });
        await stream.close();
      }
      await quiet(100);
      assert.equal(t.deps.streams.size(), 0);
      assert.equal(hub.listenerCount?.(), 0);
    },
  );
  t.close();
});

Deno.test("a publish that fails never fails the write; the stream catches up on the next event", async () => {
  const { t, w } = await setup();
  const hub = localHub();
  const broken = createApp({
    ...t.deps,
    hub: {
      subscribe: hub.subscribe,
      publish: () => Promise.reject(new Error("hub down")),
    },
  });
  const res = await broken.request("/api/v1/tasks", {
    method: "POST",
    headers: {
      authorization: `Bearer ${w.tokens.branchAdmin}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ title: "Call the client", assigned_to: w.users.consultant.id }),
  });
  assert.equal(res.status, 201, await res.text());
  const list = await call(t, "GET", BASE, { token: w.tokens.consultant });
  assert.equal(list.body.count, 1);
  t.close();
});

Deno.test("a second instance delivers another instance's writes by polling", async () => {
  const { t, w } = await setup();
  const otherHub = localHub();
  const otherStreams = streamRegistry(5);
  const other = createApp({ ...t.deps, hub: otherHub, streams: otherStreams });
  const poll = notificationPoller(t.db, otherHub, otherStreams);
  const response = await other.request(`${BASE}/stream`, {
    headers: { authorization: `Bearer ${w.tokens.consultant}` },
  });
  const stream = readSse(response);
  await stream.connected();
  await poll(); // learns where the user stands

  await notify(t, w.users.consultant, 2); // published on the first instance's hub only
  await quiet();
  assert.equal(stream.events.length, 0);
  await poll();
  await stream.waitFor(2);
  await poll(); // nothing new: no repeat
  await quiet();
  assert.deepEqual(seqs(stream), [1, 2]);
  await stream.close();
  t.close();
});
