/**
 * Notification triggers, end to end through the API: the right person is told, in
 * the same batch as the change, and nobody else (SPEC §5).
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { notifications } from "../db/schema/index.ts";
import {
  assertError,
  buildWorld,
  call,
  countRows,
  createTestApp,
  type TestApp,
  type World,
} from "../../tests/support.ts";
import { readSse } from "../../tests/sse.ts";
import { runScheduledNotifications } from "./scheduled.ts";

type Row = Record<string, unknown>;

async function created(t: TestApp, token: string, path: string, body: Row): Promise<Row> {
  const res = await call(t, "POST", `/api/v1${path}`, { token, body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function patched(t: TestApp, token: string, path: string, body: Row): Promise<Row> {
  const res = await call(t, "PATCH", `/api/v1${path}`, { token, body });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Every notification, as (recipient, type, title) triples. */
async function inbox(t: TestApp, userId: string) {
  return await t.db.select().from(notifications).where(eq(notifications.recipient_id, userId));
}

async function everyone(t: TestApp, w: World) {
  const counts: Record<string, number> = {};
  for (const [name, user] of Object.entries(w.users)) {
    counts[name] = (await inbox(t, user.id)).length;
  }
  return counts;
}

/** Runs a change and returns who got how many new notifications. */
async function newNotices(t: TestApp, w: World, change: () => Promise<unknown>) {
  const before = await everyone(t, w);
  await change();
  const after = await everyone(t, w);
  return Object.fromEntries(
    Object.entries(after).filter(([k, n]) => n !== before[k]).map(([k, n]) => [k, n - before[k]]),
  );
}

Deno.test("task triggers: the assignee on assignment, the creator on a status change", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const admin = w.tokens.branchAdmin;
  let taskId = "";

  await s.step("assigning a task notifies the assignee only, delivered live", async () => {
    const response = await t.app.request("/api/v1/notifications/stream", {
      headers: { authorization: `Bearer ${w.tokens.consultant}` },
    });
    const stream = readSse(response);
    await stream.connected();
    const got = await newNotices(t, w, async () => {
      taskId = String(
        (await created(t, admin, "/tasks", {
          title: "Collect police certificate",
          assigned_to: w.users.consultant.id,
          due_date: "2026-12-01",
        })).id,
      );
    });
    assert.deepEqual(got, { consultant: 1 });
    const [event] = await stream.waitFor(1);
    const data = JSON.parse(event.data);
    assert.equal(data.type, "task_assigned");
    assert.equal(data.title, "New task: Collect police certificate");
    assert.equal(data.meta.task_id, taskId);
    assert.equal(data.created_by, w.users.branchAdmin.id);
    await stream.close();
  });

  await s.step("a status change notifies the creator, not the one who made it", async () => {
    const got = await newNotices(
      t,
      w,
      () => patched(t, w.tokens.consultant, `/tasks/${taskId}`, { status: "in_progress" }),
    );
    assert.deepEqual(got, { branchAdmin: 1 });
    const [notice] = (await inbox(t, w.users.branchAdmin.id)).filter((n) =>
      n.type === "task_updated"
    );
    assert.equal(notice.title, "Task in progress: Collect police certificate");
    assert.deepEqual(notice.meta.previous_status, "todo");
  });

  await s.step("edits that are neither assignment nor status notify nobody", async () => {
    const got = await newNotices(
      t,
      w,
      () => patched(t, w.tokens.consultant, `/tasks/${taskId}`, { priority: "high" }),
    );
    assert.deepEqual(got, {});
  });

  await s.step(
    "reassigning notifies the new assignee; one's own task notifies nobody",
    async () => {
      const regional = w.tokens.regionManager;
      const got = await newNotices(
        t,
        w,
        () => patched(t, regional, `/tasks/${taskId}`, { assigned_to: w.users.consultantA1b.id }),
      );
      assert.deepEqual(got, { consultantA1b: 1 });
      const own = await newNotices(t, w, async () => {
        const task = await created(t, w.tokens.consultant, "/tasks", {
          title: "Note to self",
          assigned_to: w.users.consultant.id,
        });
        await patched(t, w.tokens.consultant, `/tasks/${task.id}`, { status: "done" });
      });
      assert.deepEqual(own, {});
    },
  );

  await s.step("a refused write notifies nobody", async () => {
    const before = await countRows(t.db, "notifications");
    const res = await call(t, "POST", "/api/v1/tasks", {
      token: admin,
      body: { title: "Out of scope", assigned_to: w.users.consultantB.id },
    });
    assertError(res, 404);
    assert.equal(await countRows(t.db, "notifications"), before);
  });
  t.close();
});

Deno.test("application triggers: the assignee hears of status and stage moves", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const sa = w.tokens.superAdmin;
  const client = await created(t, w.tokens.consultant, "/clients", {
    first_name: "Asha",
    last_name: "Karki",
  });

  await s.step("a visa application's status move notifies its assignee", async () => {
    const category = await created(t, sa, "/visa-categories", { name: "Student", code: "ST" });
    const type = await created(t, sa, "/visa-types", {
      visa_category_id: category.id,
      name: "Student visa",
      code: "500",
    });
    const visa = await created(t, w.tokens.consultant, "/visa-applications", {
      client_id: client.id,
      visa_type_id: type.id,
      assigned_to: w.users.consultant.id,
    });
    const got = await newNotices(
      t,
      w,
      () =>
        patched(t, w.tokens.branchAdmin, `/visa-applications/${visa.id}`, { status: "preparing" }),
    );
    assert.deepEqual(got, { consultant: 1 });
    const [notice] = await inbox(t, w.users.consultant.id);
    assert.equal(notice.type, "application_updated");
    assert.equal(notice.title, "Visa application preparing: Asha Karki");
    const own = await newNotices(
      t,
      w,
      () => patched(t, w.tokens.consultant, `/visa-applications/${visa.id}`, { status: "lodged" }),
    );
    assert.deepEqual(own, {});
  });

  await s.step(
    "an application's stage move notifies its assignee with the stage's name",
    async () => {
      const type = await created(t, sa, "/application-types", { name: "University", code: "UNI" });
      await created(t, sa, "/application-stages", {
        application_type_id: type.id,
        name: "Applied",
      });
      const offer = await created(t, sa, "/application-stages", {
        application_type_id: type.id,
        name: "Offer received",
      });
      const application = await created(t, w.tokens.branchAdmin, "/applications", {
        client_id: client.id,
        application_type_id: type.id,
        institution: "University of Melbourne",
        assigned_to: w.users.consultant.id,
      });
      const got = await newNotices(
        t,
        w,
        () =>
          patched(t, w.tokens.branchAdmin, `/applications/${application.id}`, {
            stage_id: offer.id,
          }),
      );
      assert.deepEqual(got, { consultant: 1 });
      const notices = await inbox(t, w.users.consultant.id);
      assert.equal(
        notices.at(-1)!.title,
        "Application moved to Offer received: University of Melbourne",
      );
      assert.equal(notices.at(-1)!.seq, notices.length);
    },
  );
  t.close();
});

Deno.test("scheduled job: due reminders and expiring visas and passports, once each", async (s) => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const now = new Date("2026-11-21T10:00:00Z");
  const run = () => runScheduledNotifications(t.db, t.deps.hub, now);
  const consultant = w.tokens.consultant;
  const soon = await created(t, consultant, "/clients", {
    first_name: "Visa",
    last_name: "Soon",
    visa_expiry_date: "2026-12-10",
    passport_expiry_date: "2027-01-15",
  });
  await created(t, consultant, "/clients", {
    first_name: "Visa",
    last_name: "Later",
    visa_expiry_date: "2027-06-01",
  });
  // Unassigned (a branch admin's client is not auto-assigned): its branch's admins hear.
  const unassigned = await created(t, w.tokens.branchAdminA1b, "/clients", {
    first_name: "No",
    last_name: "Consultant",
    visa_expiry_date: "2026-11-30",
  });
  const gone = await created(t, consultant, "/clients", {
    first_name: "Deleted",
    last_name: "Client",
    visa_expiry_date: "2026-11-25",
  });
  await call(t, "DELETE", `/api/v1/clients/${gone.id}`, { token: w.tokens.branchAdmin });
  const otherTenant = await created(t, w.tokens.consultantB, "/clients", {
    first_name: "Other",
    last_name: "Tenant",
    visa_expiry_date: "2027-02-01",
  });
  await created(t, consultant, "/reminders", {
    client_id: soon.id,
    date: "2026-11-21",
    message: "Call about the medical",
  });
  await created(t, consultant, "/reminders", {
    client_id: soon.id,
    date: "2026-11-22",
    message: "Not yet due",
  });

  await s.step("the first run notifies each event's person", async () => {
    const result = await run();
    assert.deepEqual(result.created, {
      reminder_due: 1,
      visa_expiry: 2,
      passport_expiry: 1,
      document_due: 0,
    });
    const mine = await inbox(t, w.users.consultant.id);
    assert.deepEqual(mine.map((n) => n.type).sort(), [
      "passport_expiry",
      "reminder_due",
      "visa_expiry",
    ]);
    const admins = await inbox(t, w.users.branchAdminA1b.id);
    assert.equal(admins.length, 1);
    assert.equal(admins[0].meta.client_id, unassigned.id);
    assert.equal((await inbox(t, w.users.consultantB.id)).length, 0);
    assert.ok(!JSON.stringify(await t.db.select().from(notifications)).includes(String(gone.id)));
  });

  await s.step("running again, however often, notifies nobody twice", async () => {
    const before = await countRows(t.db, "notifications");
    for (let i = 0; i < 3; i++) {
      const result = await run();
      assert.deepEqual(result.created, {
        reminder_due: 0,
        visa_expiry: 0,
        passport_expiry: 0,
        document_due: 0,
      });
    }
    await Promise.all([run(), run()]);
    assert.equal(await countRows(t.db, "notifications"), before);
  });

  await s.step("a changed expiry date is a new event", async () => {
    await patched(t, consultant, `/clients/${soon.id}`, { visa_expiry_date: "2026-12-12" });
    const result = await run();
    assert.equal(result.created.visa_expiry, 1);
  });

  await s.step("a reminder whose assignee left goes to the client's consultant", async () => {
    const reminder = await created(t, w.tokens.branchAdmin, "/reminders", {
      client_id: soon.id,
      date: "2026-11-20",
      message: "Chase the bank statement",
      assigned_to: w.users.branchAdmin.id,
    });
    const off = await call(t, "DELETE", `/api/v1/users/${w.users.branchAdmin.id}`, {
      token: w.tokens.regionManager,
    });
    assert.equal(off.status, 204, off.text);
    const result = await run();
    assert.equal(result.created.reminder_due, 1);
    const notice = (await inbox(t, w.users.consultant.id)).find((n) =>
      n.meta.reminder_id === reminder.id
    );
    assert.ok(notice, "the consultant was not told");
  });

  await s.step("a reminder given to someone else after it was told is told to them", async () => {
    const reminder = await created(t, consultant, "/reminders", {
      client_id: soon.id,
      date: "2026-11-19",
      message: "Book the biometrics",
    });
    assert.equal((await run()).created.reminder_due, 1);
    assert.equal((await run()).created.reminder_due, 0);
    await patched(t, w.tokens.regionManager, `/reminders/${reminder.id}`, {
      assigned_to: w.users.regionManager.id,
    });
    assert.equal((await run()).created.reminder_due, 1);
    const told = (await t.db.select().from(notifications)).filter((n) =>
      n.meta.reminder_id === reminder.id
    ).map((n) => n.recipient_id).sort();
    assert.deepEqual(told, [w.users.consultant.id, w.users.regionManager.id].sort());
    assert.equal((await run()).created.reminder_due, 0);
  });

  await s.step("each tenant's own notice window applies", async () => {
    const settings = await call(t, "PATCH", "/api/v1/tenants/current", {
      token: w.tokens.superAdminB,
      body: { settings: { visa_expiry_notice_days: 90 } },
    });
    assert.equal(settings.status, 200, settings.text);
    const result = await run();
    assert.equal(result.created.visa_expiry, 1);
    const theirs = await inbox(t, w.users.consultantB.id);
    assert.equal(theirs.length, 1);
    assert.equal(theirs[0].meta.client_id, otherTenant.id);
  });
  t.close();
});
