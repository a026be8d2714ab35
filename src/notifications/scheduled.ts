/**
 * The scheduled notifications (SPEC §5): reminders that are due, client visas
 * and passports nearing expiry within each tenant's notice window, and
 * checklist documents past their due date.
 *
 * It is idempotent and tenant-safe. Each notification carries a dedupe key naming
 * its event (`visa_expiry:<client>:<date>`), unique per recipient, so running the
 * job again — every five minutes, after a crash, on two instances at once —
 * notifies nobody twice; a changed date is a new event. Each tenant is read with
 * its own tenant_id filter, "today" is the tenant's, and recipients are that
 * tenant's active users only.
 * @module
 */
import {
  and,
  eq,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  notExists,
  notInArray,
  type SQL,
  sql,
} from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { purgeStreamTickets } from "../auth/stream-tickets.ts";
import { IDS_PER_STATEMENT, runBatch } from "../db/batch.ts";
import type { Database } from "../db/database.ts";
import {
  applications,
  checklist_items,
  clients,
  notifications,
  reminders,
  replication_log,
  tenants,
  users,
  visa_applications,
} from "../db/schema/index.ts";
import type { AppDeps } from "../lib/context.ts";
import { todayIn } from "../lib/fields.ts";
import type { NotificationHub } from "./hub.ts";
import { sweepOrphanFiles } from "../modules/document-files/document-files.services.ts";
import { type NotificationDraft, notificationSteps, publishRows } from "./notify.ts";

/** Overdue reminders older than this are not announced (the job was not down that long). */
const REMINDER_LOOKBACK_DAYS = 30;
/** Notifications per batch; their ids are then read back in one query. */
const BATCH_SIZE = IDS_PER_STATEMENT;

export type ScheduledResult = {
  tenants: number;
  /** Tenants whose run failed; the others still ran (the next run retries them). */
  failed: { tenant_id: string; error: string }[];
  created: {
    reminder_due: number;
    visa_expiry: number;
    passport_expiry: number;
    document_due: number;
  };
};

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Picks the first active of the named people, else the active admins of the branch. */
type Recipients = (branchId: string, ...people: (string | null)[]) => string[];

/** Resolves recipients among the tenant's active users. */
async function recipientsIn(db: Database, tenantId: string): Promise<Recipients> {
  const staff = await db.select({ id: users.id, role: users.role, branch_id: users.branch_id })
    .from(users).where(and(eq(users.tenant_id, tenantId), eq(users.is_active, true)));
  const active = new Set(staff.map((u) => u.id));
  const admins = new Map<string, string[]>();
  for (const u of staff) {
    if (u.role !== "branch_admin" || !u.branch_id) continue;
    admins.set(u.branch_id, [...(admins.get(u.branch_id) ?? []), u.id]);
  }
  return (branchId, ...people) => {
    const person = people.find((id) => id !== null && active.has(id));
    return person ? [person] : admins.get(branchId) ?? [];
  };
}

const clientName = (c: { first_name: string; last_name: string }) =>
  `${c.first_name} ${c.last_name}`;

/** A due reminder's event, in SQL: the `dedupeKey` its drafts carry. */
const reminderKey = sql`'reminder_due:' || ${reminders.id} || ':' || ${reminders.date}`;

/**
 * True unless the first active of `people` (the one `recipients` picks) was told of
 * `key` already. Most due reminders were announced by an earlier run: at a million
 * clients a run drafted and looked up ~44,000 of them again; SQLite now skips them
 * with an index probe each. With no active person the branch admins are the
 * recipients: those rows stay, and `unsent` decides, as for every draft.
 */
function notToldYet(tenantId: string, key: SQL, people: SQLiteColumn[]): SQL {
  const active = people.map((person) =>
    sql`(SELECT ${users.id} FROM ${users} WHERE ${users.id} = ${person} AND ${users.tenant_id} = ${tenantId} AND ${users.is_active} = 1)`
  );
  const first = active.length === 1 ? active[0] : sql`coalesce(${sql.join(active, sql`, `)})`;
  return notExists(
    sql`(SELECT 1 FROM ${notifications} WHERE ${notifications.dedupe_key} = ${key} AND ${notifications.recipient_id} = ${first})`,
  );
}

/**
 * The drafts of one tenant's due reminders and expiring visas and passports (the
 * seed reuses it, so seeded alerts are the ones this job would have sent).
 */
export async function scheduledDrafts(
  db: Database,
  tenant: typeof tenants.$inferSelect,
  now: Date,
): Promise<NotificationDraft[]> {
  const today = todayIn(tenant.settings.timezone, now);
  const recipients = await recipientsIn(db, tenant.id);
  const drafts: NotificationDraft[] = [];
  const base = { tenantId: tenant.id, createdBy: null };
  const liveClient = and(eq(clients.tenant_id, tenant.id), isNull(clients.deleted_at));
  const person = {
    id: clients.id,
    first_name: clients.first_name,
    last_name: clients.last_name,
    assigned_to: clients.assigned_to,
    branch_id: clients.branch_id,
  };

  const due = await db.select({
    id: reminders.id,
    date: reminders.date,
    message: reminders.message,
    assignee: reminders.assigned_to,
    client: person,
  }).from(reminders).innerJoin(clients, eq(clients.id, reminders.client_id)).where(and(
    eq(reminders.tenant_id, tenant.id),
    eq(reminders.done, false),
    lte(reminders.date, today),
    gte(reminders.date, addDays(today, -REMINDER_LOOKBACK_DAYS)),
    liveClient,
    // The reminder's own assignee first: it needs no client row, so a reminder told
    // to its assignee is dropped before the join reads the client (a page each).
    notToldYet(tenant.id, reminderKey, [reminders.assigned_to]),
    notToldYet(tenant.id, reminderKey, [reminders.assigned_to, clients.assigned_to]),
  ));
  for (const r of due) {
    // The reminder's own assignee first, then the client's consultant, then the branch admins.
    const to = recipients(r.client.branch_id, r.assignee, r.client.assigned_to);
    for (const recipientId of to) {
      drafts.push({
        ...base,
        recipientId,
        type: "reminder_due",
        title: `Reminder: ${clientName(r.client)}`,
        body: r.message,
        meta: { reminder_id: r.id, client_id: r.client.id, date: r.date },
        dedupeKey: `reminder_due:${r.id}:${r.date}`, // reminderKey, in SQL
      });
    }
  }

  const windows = [
    {
      type: "visa_expiry" as const,
      column: clients.visa_expiry_date,
      days: tenant.settings.visa_expiry_notice_days,
      what: "visa",
    },
    {
      type: "passport_expiry" as const,
      column: clients.passport_expiry_date,
      days: tenant.settings.passport_expiry_notice_days,
      what: "passport",
    },
  ];
  for (const w of windows) {
    const expiring = await db.select({ ...person, date: w.column }).from(clients).where(and(
      liveClient,
      gte(w.column, today),
      lte(w.column, addDays(today, w.days)),
    ));
    for (const c of expiring) {
      for (const recipientId of recipients(c.branch_id, c.assigned_to)) {
        drafts.push({
          ...base,
          recipientId,
          type: w.type,
          title: `${clientName(c)}'s ${w.what} expires on ${c.date}`,
          meta: { client_id: c.id, expiry_date: c.date },
          dedupeKey: `${w.type}:${c.id}:${c.date}`,
        });
      }
    }
  }

  // Documents past their due date on cases still in progress (visa and study
  // applications): the case's assignee, then the client's consultant, then the
  // branch admins.
  const cases = [
    {
      kind: "visa_application" as const,
      table: visa_applications,
      link: checklist_items.visa_application_id,
      closed: ["granted", "refused", "withdrawn"] as const,
    },
    {
      kind: "application" as const,
      table: applications,
      link: checklist_items.application_id,
      closed: ["completed", "withdrawn", "rejected"] as const,
    },
  ];
  for (const c of cases) {
    const overdue = await db.select({
      id: checklist_items.id,
      name: checklist_items.name,
      due: checklist_items.due_date,
      caseId: c.table.id,
      assignee: c.table.assigned_to,
      client: person,
    }).from(checklist_items)
      .innerJoin(c.table, eq(c.table.id, c.link))
      .innerJoin(clients, eq(clients.id, checklist_items.client_id))
      .where(and(
        eq(checklist_items.tenant_id, tenant.id),
        isNull(checklist_items.deleted_at),
        inArray(checklist_items.status, ["requested", "rejected"]),
        lte(checklist_items.due_date, today),
        gte(checklist_items.due_date, addDays(today, -REMINDER_LOOKBACK_DAYS)),
        notInArray(c.table.status, [...c.closed]),
        liveClient,
      ));
    for (const item of overdue) {
      const to = recipients(item.client.branch_id, item.assignee, item.client.assigned_to);
      for (const recipientId of to) {
        drafts.push({
          ...base,
          recipientId,
          type: "document_due",
          title: `${item.name} for ${clientName(item.client)} was due on ${item.due}`,
          meta: {
            checklist_item_id: item.id,
            [`${c.kind}_id`]: item.caseId,
            client_id: item.client.id,
            due_date: item.due,
          },
          dedupeKey: `document_due:${item.id}:${item.due}`,
        });
      }
    }
  }
  return drafts;
}

/** Drops drafts whose event the recipient was already told about. */
async function unsent(db: Database, drafts: NotificationDraft[]): Promise<NotificationDraft[]> {
  const sent = new Set<string>();
  for (let i = 0; i < drafts.length; i += IDS_PER_STATEMENT) {
    const keys = drafts.slice(i, i + IDS_PER_STATEMENT).map((d) => d.dedupeKey!);
    const rows = await db.select({ key: notifications.dedupe_key, to: notifications.recipient_id })
      .from(notifications).where(inArray(notifications.dedupe_key, keys));
    for (const row of rows) sent.add(`${row.key}|${row.to}`);
  }
  return drafts.filter((d) => !sent.has(`${d.dedupeKey}|${d.recipientId}`));
}

/** Runs the job once over every active tenant, then delivers what it created. */
export async function runScheduledNotifications(
  db: Database,
  hub: NotificationHub,
  now: Date,
): Promise<ScheduledResult> {
  const result: ScheduledResult = {
    tenants: 0,
    failed: [],
    created: { reminder_due: 0, visa_expiry: 0, passport_expiry: 0, document_due: 0 },
  };
  const active = await db.select().from(tenants).where(eq(tenants.is_active, true));
  for (const tenant of active) {
    result.tenants++;
    try {
      const drafts = await unsent(db, await scheduledDrafts(db, tenant, now));
      for (let i = 0; i < drafts.length; i += BATCH_SIZE) {
        const chunk = drafts.slice(i, i + BATCH_SIZE);
        const { steps, ids } = notificationSteps(db, chunk, now);
        await runBatch(db, steps);
        // A concurrent run may have won some of these; count what this run inserted.
        const mine = await db.select().from(notifications).where(inArray(notifications.id, ids));
        for (const row of mine) {
          result.created[row.type as keyof ScheduledResult["created"]]++;
        }
        await publishRows(hub, mine);
      }
    } catch (error) {
      // One tenant's bad data must not starve every tenant after it.
      result.failed.push({ tenant_id: tenant.id, error: String(error) });
    }
    // An embedded database answers synchronously, so a run over every tenant would
    // hold the event loop for seconds (12 s for the first run at a million clients):
    // requests are served between tenants instead.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await purgeStreamTickets(db, now);
  return result;
}

/**
 * Drops replication-log entries older than `days` (src/regions). The delete is a
 * write like any other, so it is logged and far regions prune the same rows; a
 * region further behind than that is told to copy the file again (410).
 */
async function pruneReplicationLog(db: Database, now: Date, days: number): Promise<void> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const [old] = await db.select({ position: replication_log.position }).from(replication_log)
    .where(lt(replication_log.at, cutoff)).limit(1);
  // Only when there is something to drop: an empty delete would still be logged.
  if (old) await runBatch(db, [db.delete(replication_log).where(lt(replication_log.at, cutoff))]);
}

/**
 * One scheduled run as the server timers and the cron trigger do it: the
 * notifications, then the sweep of objects an upload left without a row; then
 * log the result.
 */
export async function runScheduledJob(
  deps: Pick<AppDeps, "db" | "hub" | "clock" | "log" | "files" | "config">,
): Promise<void> {
  const now = deps.clock();
  const result = await runScheduledNotifications(deps.db, deps.hub, now);
  await pruneReplicationLog(deps.db, now, deps.config.replicationLogDays);
  let orphans = 0;
  if (deps.files) {
    const active = await deps.db.select({ id: tenants.id }).from(tenants);
    for (const tenant of active) {
      orphans += await sweepOrphanFiles(deps.db, deps.files, tenant.id, now);
    }
  }
  deps.log({
    level: "info",
    job: "scheduled_notifications",
    ...result,
    orphan_files_removed: orphans,
  });
}
