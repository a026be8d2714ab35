/**
 * A seeded agency's casework: visa applications in every status with dates that
 * follow the status machine, study applications at their stages, tasks (with and
 * without a client) and reminders, plus the notifications those events raise,
 * made by the same trigger functions the services call.
 *
 * Audit: a visa application is logged as created in draft, then one update to
 * where it stands (a grant also updates the client, as the service does); an
 * application as created at its first stage, then moved; tasks and reminders with
 * one `create` entry in their seeded state.
 * @module
 */
import {
  applications,
  checklist_items,
  type ChecklistStatus,
  clients,
  document_files,
  reminders,
  type TaskComment,
  tasks,
  VISA_APPLICATION_STATUSES,
  visa_applications,
  type VisaApplicationStatus,
} from "../db/schema/index.ts";
import type { NotificationDraft } from "../notifications/notify.ts";
import {
  applicationNotifications,
  taskNotifications,
  visaApplicationNotifications,
} from "../notifications/triggers.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { fileKey } from "../files/file-store.ts";
import { CLIENT_TASKS, OFFICE_TASKS, REMINDER_MESSAGES, TASK_COMMENTS } from "./catalog.ts";
import type { ClientPlan } from "./clients.ts";
import type { SeedActor, TenantContext } from "./context.ts";
import { DAY_MS } from "./random.ts";
import type { ApplicationTypePlan, Reference, VisaTypePlan } from "./reference.ts";
import { fillPattern, type Organisation, type Staff } from "./tenancy.ts";

const HOUR_MS = 3_600_000;

/** The status an application was in just before its current one. */
const PREVIOUS: Record<VisaApplicationStatus, VisaApplicationStatus> = {
  draft: "draft",
  preparing: "draft",
  lodged: "preparing",
  further_information_requested: "lodged",
  granted: "lodged",
  refused: "further_information_requested",
  withdrawn: "preparing",
};

/** Builds one agency's casework into its batch (ctx.rows) and pending notifications. */
export function buildCasework(
  ctx: TenantContext,
  org: Organisation,
  reference: Reference,
  plans: ClientPlan[],
): void {
  buildVisaApplications(ctx, reference, plans);
  buildApplications(ctx, reference, plans);
  for (const plan of plans) {
    buildClientTasks(ctx, plan);
    buildReminders(ctx, plan);
  }
  buildOfficeTasks(ctx, org);
}

/** The end of a client's seeded history: now, or when it was deleted. */
function endOf(ctx: TenantContext, plan: ClientPlan): number {
  return plan.deleted ? Date.parse(plan.row.deleted_at!) : ctx.clock.nowMs - HOUR_MS;
}

/** Whoever moves a file on: the branch admin for a consultant's client, else a consultant. */
function moverFor(plan: ClientPlan): Staff {
  return plan.owner.role === "consultant" ? plan.branch.admin : plan.branch.consultants[0];
}

function notify(
  ctx: TenantContext,
  drafts: NotificationDraft[],
  atMs: number,
  completed = false,
) {
  for (const draft of drafts) ctx.notifications.push({ draft, atMs, completed });
}

function buildVisaApplications(ctx: TenantContext, reference: Reference, plans: ClientPlan[]) {
  const { rng } = ctx;
  // The first applications of a tenant walk through every status, so each appears.
  let forced = 0;
  const order = VISA_APPLICATION_STATUSES;
  for (const plan of plans) {
    const likely = { lead: 0.1, prospect: 0.35, lost: 0.5 }[plan.row.status as string] ?? 0.85;
    const count = plan.visaExpiringSoon ? 1 : rng.chance(likely) ? (rng.chance(0.12) ? 2 : 1) : 0;
    for (let k = 0; k < count; k++) {
      let status: VisaApplicationStatus;
      if (plan.visaExpiringSoon) status = "granted";
      else if (plan.deleted) status = rng.pick(["draft", "preparing", "lodged"] as const);
      else if (forced < order.length) status = order[forced++];
      else if (plan.row.status === "lost") status = rng.pick(["refused", "withdrawn"] as const);
      else {
        status = rng.weighted<VisaApplicationStatus>([
          ["draft", 10],
          ["preparing", 15],
          ["lodged", 20],
          ["further_information_requested", 8],
          ["granted", 32],
          ["refused", 8],
          ["withdrawn", 7],
        ]);
      }
      buildVisaApplication(ctx, reference, plan, status);
    }
  }
}

function visaTypeFor(ctx: TenantContext, reference: Reference, plan: ClientPlan): VisaTypePlan {
  const { rng } = ctx;
  if (plan.visaExpiringSoon) {
    return rng.pick(reference.visaTypes.filter((t) => t.grantYears === 1));
  }
  const category = plan.student ? "STUDENT" : rng.weighted(
    [
      ["WORK", 35],
      ["PR", 30],
      ["VISITOR", 15],
      ["FAMILY", 20],
    ] as const,
  );
  return rng.pick(reference.visaTypes.filter((t) => t.categoryCode === category));
}

type ChecklistRow = typeof checklist_items.$inferInsert & { id: string; position: number };

/**
 * Where a seeded checklist item ends, by its application's status: all verified
 * (optional ones waived) once lodged; a mix while preparing, so every status is
 * on screen; half collected on a withdrawn one.
 */
function seededItemPath(
  status: VisaApplicationStatus,
  item: ChecklistRow,
): readonly ChecklistStatus[] {
  const done: readonly ChecklistStatus[] = item.required ? ["received", "verified"] : ["waived"];
  if (status === "preparing") {
    const mix: readonly (readonly ChecklistStatus[])[] = [
      ["received", "verified"],
      ["received"],
      ["received", "rejected"],
      [],
      ["waived"],
    ];
    return mix[item.position % mix.length];
  }
  if (status === "withdrawn") return item.position % 2 ? ["received"] : [];
  return done;
}

/** A small generated scan: a one-page PDF, or for photos a 1×1 PNG. */
function documentBytes(item: ChecklistRow): { bytes: Uint8Array; type: string; ext: string } {
  if (/photo/i.test(item.name)) {
    const png = "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082";
    return {
      bytes: Uint8Array.from(png.match(/../g)!, (h) => parseInt(h, 16)),
      type: "image/png",
      ext: "png",
    };
  }
  const text = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n` +
    `2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
    `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n` +
    `% ${item.name} (seeded)\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
  return { bytes: new TextEncoder().encode(text), type: "application/pdf", ext: "pdf" };
}

/** The document that moved an item to received, stored as the upload route stores it. */
function seedDocument(ctx: TenantContext, item: ChecklistRow, by: SeedActor, atMs: number): void {
  const { bytes, type, ext } = documentBytes(item);
  const id = ctx.rng.id(atMs);
  const key = fileKey(item.tenant_id, id);
  const name = `${item.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.${ext}`;
  const row = ctx.rows.add(document_files, {
    id,
    tenant_id: item.tenant_id,
    client_id: item.client_id,
    checklist_item_id: item.id,
    name,
    content_type: type,
    size: bytes.length,
    sha256: Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, "0")).join(""),
    storage_key: key,
    created_at: ctx.clock.iso(atMs),
    updated_at: ctx.clock.iso(atMs),
    created_by: by.userId,
    updated_by: by.userId,
    deleted_at: null,
    deleted_by: null,
  });
  const { storage_key: _key, ...shown } = row;
  ctx.rows.audit(by, atMs, {
    tenantId: item.tenant_id,
    action: "upload",
    entityType: "document_file",
    entityId: id,
    after: shown,
  });
  ctx.files.push({ key, bytes, type });
}

/** Moves each item along its path as the PATCH would, between creation and the status move. */
function moveChecklist(
  ctx: TenantContext,
  items: ChecklistRow[],
  status: VisaApplicationStatus,
  mover: SeedActor,
  fromMs: number,
  toMs: number,
): void {
  const span = Math.max(1, toMs - fromMs);
  for (const item of items) {
    const path = seededItemPath(status, item);
    path.forEach((next, i) => {
      const at = fromMs + Math.round((span * (i + 1)) / (path.length + 1)) - items.length +
        item.position;
      if (next === "received") seedDocument(ctx, item, mover, at);
      ctx.rows.updated(
        checklist_items,
        item,
        {
          status: next,
          rejection_reason: next === "rejected"
            ? "The scan is unreadable; please send it again."
            : null,
          status_changed_at: ctx.clock.iso(at),
          status_changed_by: mover.userId,
        },
        mover,
        at,
      );
    });
  }
}

function buildVisaApplication(
  ctx: TenantContext,
  reference: Reference,
  plan: ClientPlan,
  status: VisaApplicationStatus,
): void {
  const { rng, clock, rows, market } = ctx;
  const type = visaTypeFor(ctx, reference, plan);
  const end = endOf(ctx, plan);
  const step = (from: number, share: number) =>
    from + Math.round(rng.next() * share * Math.max(0, end - from));

  // The moments the application passed through, each after the one before.
  let createdMs: number;
  let lodgedMs: number;
  let decidedMs: number;
  let expiry: string | null = null;
  if (plan.visaExpiringSoon) {
    expiry = clock.date(clock.daysAgo(-rng.int(3, 27)));
    decidedMs = Date.parse(`${clock.addYears(expiry, -type.grantYears)}T02:00:00Z`);
    lodgedMs = decidedMs - rng.int(15, 60) * DAY_MS;
    createdMs = Math.max(plan.createdMs + HOUR_MS, lodgedMs - rng.int(3, 20) * DAY_MS);
  } else {
    createdMs = step(plan.createdMs + HOUR_MS, 0.3);
    lodgedMs = step(createdMs + DAY_MS, 0.4);
    decidedMs = step(lodgedMs + DAY_MS, 0.6);
  }
  const lodgedFirst = status === "withdrawn" && rng.chance(0.5);
  const reached = {
    lodged: ["lodged", "further_information_requested", "granted", "refused"].includes(status) ||
      lodgedFirst,
    decided: status === "granted" || status === "refused",
  };
  lodgedMs = Math.min(lodgedMs, end);
  decidedMs = Math.min(decidedMs, end);
  if (status === "granted") expiry ??= clock.addYears(clock.date(decidedMs), type.grantYears);
  const movedMs = reached.decided ? decidedMs : reached.lodged ? lodgedMs : step(createdMs, 0.5);

  const assignee = plan.assignee ?? rng.pick(plan.branch.consultants);
  const creator = plan.owner;
  const row = rows.created(visa_applications, {
    id: rng.id(createdMs),
    tenant_id: plan.row.tenant_id,
    client_id: plan.row.id,
    visa_type_id: type.id,
    status: "draft",
    lodged_date: null,
    decision_date: null,
    expiry_date: null,
    fee_amount: type.fee,
    fee_currency: market.currency,
    fee_paid_amount: 0,
    government_reference: null,
    grant_number: null,
    conditions: "",
    rfi_due_date: null,
    assigned_to: assignee.userId,
    notes: rng.chance(0.25) ? "Client prefers email updates on this application." : "",
    created_at: clock.iso(createdMs),
    updated_at: clock.iso(createdMs),
    created_by: creator.userId,
    updated_by: creator.userId,
  }, creator);
  const checklist = type.checklist.map((entry, position) =>
    rows.add(checklist_items, {
      id: rng.id(createdMs),
      tenant_id: plan.row.tenant_id,
      client_id: plan.row.id,
      visa_application_id: row.id,
      name: entry.item,
      description: "",
      required: entry.required,
      status: "requested",
      rejection_reason: null,
      due_date: null,
      position,
      status_changed_at: null,
      status_changed_by: null,
      deleted_at: null,
      deleted_by: null,
      created_at: clock.iso(createdMs),
      updated_at: clock.iso(createdMs),
      created_by: creator.userId,
      updated_by: creator.userId,
    }) as ChecklistRow
  );
  if (status === "draft") return;

  const mover = moverFor(plan);
  moveChecklist(ctx, checklist, status, mover, createdMs, movedMs);
  const paid = reached.lodged ? type.fee : status === "preparing" && rng.chance(0.5) ? type.fee : 0;
  rows.updated(
    visa_applications,
    row,
    {
      status,
      lodged_date: reached.lodged ? clock.date(lodgedMs) : null,
      decision_date: reached.decided ? clock.date(decidedMs) : null,
      expiry_date: expiry,
      fee_paid_amount: paid,
      government_reference: reached.lodged ? fillPattern(ctx, market.reference) : null,
      grant_number: status === "granted" ? fillPattern(ctx, market.grantNumber) : null,
      conditions: status === "granted" ? type.conditions : "",
      rfi_due_date: status === "further_information_requested"
        ? clock.date(clock.daysAgo(-rng.int(4, 28)))
        : null,
    },
    mover,
    movedMs,
  );
  notify(
    ctx,
    visaApplicationNotifications(
      mover,
      { status: lodgedFirst ? "lodged" : PREVIOUS[status] },
      {
        id: row.id,
        tenant_id: plan.row.tenant_id,
        client_id: plan.row.id,
        status,
        assigned_to: assignee.userId,
      },
      plan.name,
    ),
    movedMs,
    status === "granted" || status === "refused",
  );
  // A grant sets the client's current visa in the same write (SPEC §3); of two
  // grants, the later one stands.
  if (status === "granted" && movedMs >= Date.parse(plan.row.updated_at ?? "")) {
    rows.updated(
      clients,
      plan.row,
      { current_visa: type.name, visa_expiry_date: expiry },
      mover,
      movedMs,
    );
  }
}

function buildApplications(ctx: TenantContext, reference: Reference, plans: ClientPlan[]) {
  const { rng } = ctx;
  const byCode = new Map(reference.applicationTypes.map((t) => [t.code, t]));
  for (const plan of plans) {
    if (plan.row.status === "lead") continue;
    if (plan.student && rng.chance(0.85)) {
      const count = rng.chance(0.2) ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const code = rng.weighted([["UNI", 60], ["VET", 25], ["ELICOS", 15]] as const);
        buildApplication(ctx, plan, byCode.get(code)!);
      }
    } else if (!plan.student && plan.age >= 24 && rng.chance(0.3)) {
      buildApplication(ctx, plan, byCode.get("SKILLS")!);
    }
  }
}

/** The next intake month (`YYYY-MM`) on or after an instant, in the market's intake months. */
function intakeAfter(ms: number, months: number[]): string {
  const d = new Date(ms);
  for (let add = 0; add < 24; add++) {
    const y = d.getUTCFullYear() + Math.floor((d.getUTCMonth() + add) / 12);
    const m = ((d.getUTCMonth() + add) % 12) + 1;
    if (months.includes(m)) return `${y}-${String(m).padStart(2, "0")}`;
  }
  return `${d.getUTCFullYear() + 1}-${String(months[0]).padStart(2, "0")}`;
}

function buildApplication(ctx: TenantContext, plan: ClientPlan, type: ApplicationTypePlan) {
  const { rng, clock, rows, market } = ctx;
  const end = endOf(ctx, plan);
  const status = plan.deleted ? "active" : rng.weighted(
    [
      ["active", 58],
      ["on_hold", 10],
      ["completed", 17],
      ["withdrawn", 8],
      ["rejected", 7],
    ] as const,
  );
  const last = type.stagePlans.length - 1;
  const stageIndex = status === "completed" ? last : rng.int(0, Math.max(0, last - 1));
  const stage = type.stagePlans[stageIndex];
  const createdMs = plan.createdMs + HOUR_MS +
    Math.round(rng.next() * 0.4 * (end - plan.createdMs));
  const movedMs = createdMs + Math.round(rng.next() * (end - createdMs));
  const assignee = plan.assignee ?? rng.pick(plan.branch.consultants);
  const creator = plan.owner;
  const stamps = {
    created_at: clock.iso(createdMs),
    updated_at: clock.iso(createdMs),
    created_by: creator.userId,
    updated_by: creator.userId,
  };
  const row = rows.created(applications, {
    id: rng.id(createdMs),
    tenant_id: plan.row.tenant_id,
    client_id: plan.row.id,
    application_type_id: type.id,
    stage_id: type.stagePlans[0].id,
    institution: rng.pick(type.institutions(market)),
    course: rng.pick(type.courses),
    intake: type.code === "SKILLS"
      ? null
      : intakeAfter(createdMs + rng.int(60, 300) * DAY_MS, market.intakeMonths),
    assigned_to: assignee.userId,
    status: "active",
    notes: "",
    ...stamps,
  }, creator);
  if (stageIndex === 0 && status === "active") return;
  const mover = moverFor(plan);
  const before = { stage_id: type.stagePlans[Math.max(0, stageIndex - 1)].id, status: "active" };
  rows.updated(applications, row, { stage_id: stage.id, status }, mover, movedMs);
  notify(
    ctx,
    applicationNotifications(mover, before, {
      id: row.id,
      tenant_id: plan.row.tenant_id,
      client_id: plan.row.id,
      stage_id: stage.id,
      status,
      assigned_to: assignee.userId,
      institution: row.institution ?? "",
    }, before.stage_id !== stage.id ? stage.name : null),
    movedMs,
    status !== "active",
  );
}

type TaskInput = {
  tenantId: string;
  clientId: string | null;
  title: string;
  tags: string[];
  creator: Staff;
  assignee: Staff | null;
  createdMs: number;
  end: number;
  writers: Staff[];
};

function buildTask(ctx: TenantContext, input: TaskInput): void {
  const { rng, clock, rows } = ctx;
  const status = rng.weighted(
    [["todo", 35], ["in_progress", 25], ["done", 30], ["cancelled", 10]] as const,
  );
  const priority = rng.weighted(
    [["low", 15], ["medium", 45], ["high", 30], ["urgent", 10]] as const,
  );
  const { createdMs, end } = input;
  const updatedMs = status === "todo"
    ? createdMs
    : createdMs + Math.round(rng.next() * (end - createdMs));
  const due = status === "done" || status === "cancelled"
    ? clock.date(createdMs + rng.int(3, 30) * DAY_MS)
    : clock.date(clock.daysAgo(-rng.int(-7, 30)));
  const comments: TaskComment[] = [];
  if (status !== "todo" && rng.chance(0.5)) {
    const times = [rng.next(), rng.next()].slice(0, rng.int(1, 2)).sort();
    for (const share of times) {
      comments.push({
        author_id: rng.pick(input.writers).userId,
        body: rng.pick(TASK_COMMENTS),
        at: clock.iso(createdMs + Math.round(share * (updatedMs - createdMs))),
      });
    }
  }
  const row = rows.created(tasks, {
    id: rng.id(createdMs),
    tenant_id: input.tenantId,
    client_id: input.clientId,
    title: input.title,
    detail: rng.chance(0.4) ? "See the client's notes timeline for context." : "",
    priority,
    status,
    due_date: due,
    assigned_to: input.assignee?.userId ?? null,
    tags: input.tags,
    comments,
    completed_at: status === "done" ? clock.iso(updatedMs) : null,
    created_at: clock.iso(createdMs),
    updated_at: clock.iso(updatedMs),
    created_by: input.creator.userId,
    updated_by: (status === "todo" ? input.creator : input.assignee ?? input.creator).userId,
  }, input.creator);
  const task = {
    id: row.id,
    tenant_id: input.tenantId,
    title: input.title,
    status,
    due_date: due,
    assigned_to: row.assigned_to ?? null,
    client_id: input.clientId,
    created_by: input.creator.userId,
  };
  const finished = status === "done" || status === "cancelled";
  notify(
    ctx,
    taskNotifications(input.creator, null, { ...task, status: "todo" }),
    createdMs,
    finished,
  );
  if (status !== "todo" && input.assignee) {
    const mover: SeedActor = input.assignee;
    notify(ctx, taskNotifications(mover, { ...task, status: "todo" }, task), updatedMs, finished);
  }
}

function buildClientTasks(ctx: TenantContext, plan: ClientPlan): void {
  const { rng } = ctx;
  if (!rng.chance(plan.deleted ? 0.3 : 0.45)) return;
  const count = rng.chance(0.15) ? 2 : 1;
  const end = endOf(ctx, plan);
  const writers = [plan.owner, plan.branch.admin, ...plan.branch.consultants];
  for (const spec of ctx.rng.some(CLIENT_TASKS, count)) {
    buildTask(ctx, {
      tenantId: plan.row.tenant_id,
      clientId: plan.row.id,
      title: spec.title,
      tags: spec.tags,
      creator: rng.chance(0.6) ? plan.owner : plan.branch.admin,
      assignee: rng.chance(0.9) ? plan.owner : rng.pick(plan.branch.consultants),
      createdMs: plan.createdMs + HOUR_MS + Math.round(rng.next() * (end - plan.createdMs) * 0.8),
      end,
      writers,
    });
  }
}

/** Office work with no client: made by managers for staff of their scope. */
function buildOfficeTasks(ctx: TenantContext, org: Organisation): void {
  const { rng, clock } = ctx;
  OFFICE_TASKS.forEach((spec, i) => {
    const branch = org.branches[i % org.branches.length];
    const regionManager = org.regionManagers.find((m) => m.regionId === branch.regionId)!;
    const creator = [org.countryManager, regionManager, branch.admin][i % 3];
    // One is left unassigned: only its creator and the tenant's managers see it.
    const assignee = i === OFFICE_TASKS.length - 1
      ? null
      : rng.pick([branch.admin, ...branch.consultants]);
    buildTask(ctx, {
      tenantId: org.tenantId,
      clientId: null,
      title: spec.title,
      tags: spec.tags,
      creator,
      assignee,
      createdMs: clock.daysAgo(rng.int(5, 120)),
      end: clock.nowMs - HOUR_MS,
      writers: [creator, ...(assignee ? [assignee] : [])],
    });
  });
}

function buildReminders(ctx: TenantContext, plan: ClientPlan): void {
  const { rng, clock, rows } = ctx;
  if (!rng.chance(0.45)) return;
  const count = rng.chance(0.2) ? 2 : 1;
  const end = endOf(ctx, plan);
  for (let k = 0; k < count; k++) {
    const dateMs = Math.max(plan.createdMs + DAY_MS, clock.daysAgo(rng.int(-45, 40)));
    const date = clock.date(dateMs);
    const createdMs = plan.createdMs + HOUR_MS +
      Math.round(rng.next() * (Math.min(dateMs, end) - plan.createdMs - HOUR_MS));
    const doneMs = Date.parse(`${date}T09:00:00Z`);
    const done = doneMs < Math.min(end, clock.daysAgo(1)) && rng.chance(0.75);
    const assigned = rng.chance(0.9) ? plan.owner.userId : null;
    rows.created(reminders, {
      id: rng.id(createdMs),
      tenant_id: plan.row.tenant_id,
      client_id: plan.row.id,
      date,
      message: rng.pick(REMINDER_MESSAGES),
      assigned_to: assigned,
      done,
      done_at: done ? clock.iso(doneMs) : null,
      created_at: clock.iso(createdMs),
      updated_at: clock.iso(done ? doneMs : createdMs),
      created_by: plan.owner.userId,
      updated_by: plan.owner.userId,
    }, plan.owner);
  }
}
