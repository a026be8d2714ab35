/**
 * The seed (SPEC §6): the platform admin, then each agency built in memory and
 * written as one atomic batch, then (with `--scale` above 1) the load-test
 * clients generated inside the database, then the scheduled notifications.
 *
 * Which path the rows take:
 * - Agencies (`--scale 1`, and the first 52 clients of every agency at any scale)
 *   are batched multi-row inserts of rows built to the services' rules, with
 *   their audit entries (auditRow) and notifications (the trigger functions),
 *   not service calls: a service call costs several reads and a batch per row,
 *   and ids and timestamps must come from the seed, not the clock.
 * - Scaled clients and their dependents are INSERT … SELECT statements
 *   (bulk.ts): same columns and rules, no audit entries (a load test's history is
 *   not worth a second copy of every row).
 * - Scheduled notifications go through the scheduled job's own selection.
 *
 * Deterministic: every random choice comes from a generator seeded by (seed,
 * tenant), every instant from the reference date, every id from both.
 * @module
 */
import type { PasswordHasher } from "../auth/passwords.ts";
import { users } from "../db/schema/index.ts";
import type { BulkTenant } from "./bulk.ts";
import { seedScaledClients, type Stager, startScaledClients } from "./scaled-tables.ts";
import { MARKETS, ORIGINS } from "./catalog.ts";
import { buildClients, CLIENTS_PER_TENANT } from "./clients.ts";
import {
  Fakers,
  SEED_REQUEST,
  type SeedActor,
  SeedRows,
  type TenantContext,
  tenantContext,
} from "./context.ts";
import { addScheduledNotifications, addTriggerNotifications } from "./notifications.ts";
import { DAY_MS, mixSeed, SeedClock, SeedRandom } from "./random.ts";
import { buildReference, type Reference } from "./reference.ts";
import { buildOrganisation, type Organisation, STAFF_PASSWORD } from "./tenancy.ts";
import { buildCasework } from "./work.ts";
import { DEFAULT_MAX_PARAMS, type SeedTarget, writeRows } from "./writer.ts";

/** The seed everybody gets unless they ask for another (`--seed`). */
export const DEFAULT_SEED = 2026;
/** "Now" in the seeded world: every date is relative to it, never to the wall clock. */
export const DEFAULT_REFERENCE_DATE = new Date("2026-11-20T09:00:00.000Z");

export type SeedOptions = {
  seed: number;
  tenants: number;
  /** Multiplies the clients (and their dependents) of every tenant. */
  scale: number;
  referenceDate: Date;
  admin: { email: string; password: string };
  /** Bound parameters per statement (D1: 100). */
  maxParams?: number;
};

export type SeedDeps = {
  passwords: PasswordHasher;
  /** Progress lines for long runs. */
  log?: (line: string) => void;
  /** Where the scaled rows are made (scaled-tables.ts); without one, on the target's connection. */
  stager?: Stager;
};

export type SeedSummary = {
  /** Rows written per table. */
  counts: Record<string, number>;
  elapsedMs: number;
};

const LOCALES = ["en_AU", "en_CA", ...ORIGINS.map((o) => o.locale)];

function addCounts(total: Record<string, number>, more: Record<string, number>): void {
  for (const [table, n] of Object.entries(more)) total[table] = (total[table] ?? 0) + n;
}

/** Seeds an empty, migrated database. The caller checks it is empty (or wipes it). */
export async function seedDatabase(
  target: SeedTarget,
  options: SeedOptions,
  deps: SeedDeps,
): Promise<SeedSummary> {
  const started = performance.now();
  const log = deps.log ?? (() => {});
  const clock = new SeedClock(options.referenceDate);
  const maxParams = options.maxParams ?? DEFAULT_MAX_PARAMS;
  const counts: Record<string, number> = {};
  // scrypt costs a quarter of a second: hash each distinct password once.
  const adminHash = await deps.passwords.hash(options.admin.password);
  const staffHash = await deps.passwords.hash(STAFF_PASSWORD);

  const platformAdmin = await addPlatformAdmin(target, options, clock, adminHash, counts);
  const shared = { seed: options.seed, clock, staffPasswordHash: staffHash, platformAdmin };
  // The scaled tables start first: with a stager their rows are made on another
  // thread while the agencies are written here (and given the file, the stager
  // writes the clients into it once the agencies are in: scaled-tables.ts, Stager).
  const scaled = options.scale > 1
    ? startScaledClients(
      {
        ...scaledTenants(shared, options.tenants),
        seed: options.seed,
        clock,
        perTenant: CLIENTS_PER_TENANT * (options.scale - 1),
        log: (line) => log(`${line.trimEnd()}`),
      },
      deps.stager,
      target.file,
    )
    : null;
  const fakers = new Fakers();
  const counters = new Map<string, number>();
  const files = new PendingFiles(target.files);
  let lastLog = performance.now();
  for (let no = 1; no <= options.tenants; no++) {
    const ctx = tenantContext({ ...shared, fakers }, no, MARKETS, LOCALES);
    const org = buildOrganisation(ctx);
    const reference = buildReference(ctx, org);
    const plans = buildClients(ctx, org, reference, CLIENTS_PER_TENANT);
    buildCasework(ctx, org, reference, plans);
    addTriggerNotifications(ctx, counters);
    await writeRows(target.run, ctx.rows.tables, maxParams);
    for (const file of ctx.files) files.put(file);
    addCounts(counts, ctx.rows.counts());
    if (no === options.tenants || performance.now() - lastLog > 2000) {
      log(`  agencies ${no}/${options.tenants} (${seconds(started)})`);
      lastLog = performance.now();
    }
  }

  if (scaled) addCounts(counts, await seedScaledClients(target, scaled));

  const scheduledStarted = performance.now();
  const scheduled = await addScheduledNotifications(
    target,
    options.seed,
    clock,
    counters,
    maxParams,
  );
  addCounts(counts, { notifications: scheduled });
  log(`  scheduled notifications ${scheduled} (${seconds(scheduledStarted)})`);
  if (target.files) {
    const filesStarted = performance.now();
    await files.done();
    log(`  documents stored, ${seconds(filesStarted)} after the rows (${seconds(started)})`);
  }
  return { counts, elapsedMs: performance.now() - started };
}

type SeedFile = TenantContext["files"][number];

/**
 * The documents' bytes, stored while the rows are written rather than one by one
 * in between: a store on another thread (files-thread.ts) then writes them while
 * SQLite holds this one. A failure is kept and raised at the end, not left
 * unhandled.
 */
class PendingFiles {
  private readonly puts: Promise<void>[] = [];
  private failure: unknown = null;

  constructor(private readonly store: SeedTarget["files"]) {}

  put(file: SeedFile): void {
    if (!this.store) return;
    this.puts.push(
      this.store.put(file.key, file.bytes, file.type).catch((error) => {
        this.failure ??= error;
      }),
    );
  }

  async done(): Promise<void> {
    await Promise.all(this.puts);
    if (this.failure !== null) throw this.failure;
  }
}

/**
 * What the scaled generator needs of every agency, before the agencies are
 * built: each one's organisation and reference data again, from a context of its
 * own (its randomness depends only on (seed, agency), so these are the ids and
 * names the agency gets), and the earliest instant a scaled client may have.
 */
function scaledTenants(
  shared: Omit<
    TenantContext,
    "no" | "rng" | "market" | "rows" | "notifications" | "files" | "fakers"
  >,
  count: number,
): { tenants: BulkTenant[]; firstMs: number } {
  const fakers = new Fakers();
  const tenants: BulkTenant[] = [];
  let firstMs = 0;
  for (let no = 1; no <= count; no++) {
    const ctx = tenantContext({ ...shared, fakers }, no, MARKETS, LOCALES);
    const org = buildOrganisation(ctx);
    tenants.push(bulkTenantOf(MARKETS.indexOf(ctx.market), org, buildReference(ctx, org)));
    firstMs = Math.max(firstMs, org.createdMs + 60 * DAY_MS);
  }
  return { tenants, firstMs };
}

/** What the scaled generator needs to know of an agency. */
function bulkTenantOf(market: number, org: Organisation, reference: Reference): BulkTenant {
  return {
    tenantId: org.tenantId,
    market,
    currency: org.settings.default_currency,
    branches: org.branches.map((branch) => ({
      id: branch.id,
      adminId: branch.admin.userId,
      consultantIds: branch.consultants.map((c) => c.userId),
      agentIds: branch.agentIds,
      suffix: `, ${branch.office.city} ${branch.office.state} ${branch.office.postcode}`,
    })),
    visaTypes: reference.visaTypes.map((t) => ({
      id: t.id,
      name: t.name,
      fee: t.fee,
      grantYears: t.grantYears,
      conditions: t.conditions,
    })),
    applicationTypes: reference.applicationTypes.map((t) => ({
      id: t.id,
      stageIds: t.stagePlans.map((s) => s.id),
    })),
  };
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/** The platform admin, three and a half years before "now", with its create entry. */
async function addPlatformAdmin(
  target: SeedTarget,
  options: SeedOptions,
  clock: SeedClock,
  passwordHash: string,
  counts: Record<string, number>,
): Promise<SeedActor> {
  const rng = new SeedRandom(mixSeed(options.seed, 0));
  const rows = new SeedRows(SEED_REQUEST, rng);
  const ms = clock.daysAgo(3.5 * 365);
  const id = rng.id(ms);
  rows.created(users, {
    id,
    email: options.admin.email.toLowerCase(),
    password_hash: passwordHash,
    first_name: "Platform",
    last_name: "Admin",
    phone: "",
    role: "super_super_admin",
    tenant_id: null,
    region_id: null,
    branch_id: null,
    is_active: true,
    last_login: null,
    created_at: clock.iso(ms),
    updated_at: clock.iso(ms),
    created_by: null,
    updated_by: null,
  }, null);
  await writeRows(target.run, rows.tables, options.maxParams);
  addCounts(counts, rows.counts());
  return { userId: id, role: "super_super_admin" };
}
