/**
 * A seeded agency's organisation: the tenant, two regions of two live branches
 * each plus one closed (soft-deleted) branch, one user of every role placed as
 * SPEC §2 requires (two consultants per branch), and its referral agents.
 * Each user is created by the role directly above it, as the API allows.
 * @module
 */
import {
  agents,
  branches,
  regions,
  type Role,
  tenants,
  type TenantSettings,
  users,
} from "../db/schema/index.ts";
import { AGENCY_NAME_WORDS, AGENT_COMPANY_WORDS, type Office } from "./catalog.ts";
import type { SeedActor, TenantContext } from "./context.ts";
import { DAY_MS } from "./random.ts";

/** Every seeded staff login ends in this domain: `<handle>@t<tenant no>.leopard.test`. */
export const STAFF_EMAIL_DOMAIN = "leopard.test";

/** The password of every seeded staff login (the platform admin's comes from the env). */
export const STAFF_PASSWORD = "leopard-demo-2026";

export type Staff = SeedActor & {
  email: string;
  firstName: string;
  lastName: string;
  regionId: string | null;
  branchId: string | null;
  createdMs: number;
};

export type BranchPlan = {
  id: string;
  regionId: string;
  name: string;
  office: Office;
  admin: Staff;
  consultants: Staff[];
  /** Live agents a client of this branch may come through: the branch's and tenant-wide ones. */
  agentIds: string[];
};

export type Organisation = {
  tenantId: string;
  tenantName: string;
  domain: string;
  settings: TenantSettings;
  createdMs: number;
  superAdmin: Staff;
  countryManager: Staff;
  regionManagers: Staff[];
  branches: BranchPlan[];
  staff: Staff[];
  /** Who an id is, for audit actors. */
  actorOf: Map<string, SeedActor>;
};

/** The login of a seeded staff member of tenant `no`. */
export function staffEmail(no: number, handle: string): string {
  return `${handle}@t${no}.${STAFF_EMAIL_DOMAIN}`;
}

/**
 * Every agency's staff logins (README › Seed): regions r1–r2, branches b1–b4
 * (b1, b2 in r1; b3, b4 in r2), two consultants per branch.
 */
export function staffLogins(
  no: number,
): { email: string; role: Role; region?: number; branch?: number }[] {
  const logins: { email: string; role: Role; region?: number; branch?: number }[] = [
    { email: staffEmail(no, "super_admin"), role: "super_admin" },
    { email: staffEmail(no, "country_manager"), role: "country_manager" },
  ];
  for (const r of [1, 2]) {
    logins.push({
      email: staffEmail(no, `region_manager.r${r}`),
      role: "region_manager",
      region: r,
    });
  }
  for (const b of [1, 2, 3, 4]) {
    const region = b <= 2 ? 1 : 2;
    logins.push({
      email: staffEmail(no, `branch_admin.b${b}`),
      role: "branch_admin",
      region,
      branch: b,
    });
    for (const k of [1, 2]) {
      logins.push({
        email: staffEmail(no, `consultant.b${b}.${k}`),
        role: "consultant",
        region,
        branch: b,
      });
    }
  }
  return logins;
}

/** Lower-case ASCII letters and digits of a name (accents dropped): for emails and domains. */
export const slug = (text: string) =>
  text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "");

/** Fills a pattern: `#` a digit, `A` a capital letter. */
export function fillPattern(ctx: { rng: TenantContext["rng"] }, pattern: string): string {
  return pattern.replace(
    /[#A]/g,
    (ch) => ch === "#" ? String(ctx.rng.int(0, 9)) : String.fromCharCode(65 + ctx.rng.int(0, 25)),
  );
}

/** A local phone number in the market: an office's landline, or a mobile. */
export function localPhone(ctx: TenantContext, area?: string): string {
  const { market } = ctx;
  return fillPattern(ctx, area ? market.landline.replace("{area}", area) : market.mobile);
}

/** Builds the tenant and its organisation, adding the rows to the tenant's batch. */
export function buildOrganisation(ctx: TenantContext): Organisation {
  const { rng, clock, market, rows } = ctx;
  const staffFaker = ctx.fakers.of(market.country === "CA" ? "en_CA" : "en_AU");
  // Agencies opened a little over three years before "now", a day apart.
  const createdMs = clock.daysAgo(3 * 365 + 120) + (ctx.no - 1) * (DAY_MS / 4);
  const at = (days: number) => clock.iso(createdMs + Math.round(days * DAY_MS));

  const founder = staffFaker.person.lastName();
  const tenantName = `${founder} ${rng.pick(AGENCY_NAME_WORDS)}`;
  const domain = `${slug(tenantName)}.${market.tld}`;
  const settings: TenantSettings = {
    timezone: market.timezone,
    visa_expiry_notice_days: 30,
    passport_expiry_notice_days: 90,
    default_currency: market.currency,
  };
  const tenantId = rng.id(createdMs);
  rows.created(tenants, {
    id: tenantId,
    name: tenantName,
    domain,
    is_active: true,
    subscription_status: ctx.no % 3 === 0 ? "trial" : "active",
    settings,
    created_at: at(0),
    updated_at: at(0),
    created_by: ctx.platformAdmin.userId,
    updated_by: ctx.platformAdmin.userId,
  }, ctx.platformAdmin);

  const actorOf = new Map<string, SeedActor>([[ctx.platformAdmin.userId, ctx.platformAdmin]]);
  rows.deleter = (row) => actorOf.get(row.deleted_by as string) ?? null;
  const staff: Staff[] = [];
  const addUser = (
    role: Role,
    handle: string,
    creator: SeedActor,
    days: number,
    place: { regionId?: string; branchId?: string } = {},
  ): Staff => {
    const sex = rng.pick(["female", "male"] as const);
    const person: Staff = {
      userId: "",
      role,
      email: staffEmail(ctx.no, handle),
      firstName: staffFaker.person.firstName(sex),
      lastName: staffFaker.person.lastName(),
      regionId: place.regionId ?? null,
      branchId: place.branchId ?? null,
      createdMs: createdMs + Math.round(days * DAY_MS),
    };
    person.userId = rng.id(person.createdMs);
    const lastLogin = rng.chance(0.85) ? clock.iso(clock.daysAgo(rng.next() * 14)) : null;
    rows.created(users, {
      id: person.userId,
      email: person.email,
      password_hash: ctx.staffPasswordHash,
      first_name: person.firstName,
      last_name: person.lastName,
      phone: localPhone(ctx),
      role,
      tenant_id: tenantId,
      region_id: person.regionId,
      branch_id: person.branchId,
      is_active: true,
      last_login: lastLogin,
      created_at: clock.iso(person.createdMs),
      updated_at: clock.iso(person.createdMs),
      created_by: creator.userId,
      updated_by: creator.userId,
    }, creator);
    actorOf.set(person.userId, person);
    staff.push(person);
    return person;
  };

  const superAdmin = addUser("super_admin", "super_admin", ctx.platformAdmin, 0.05);
  const countryManager = addUser("country_manager", "country_manager", superAdmin, 1);
  const regionManagers: Staff[] = [];
  const branchPlans: BranchPlan[] = [];
  const regionIds: string[] = [];
  market.regions.forEach((spec, r) => {
    const regionMs = createdMs + (2 + r * 0.1) * DAY_MS;
    const regionId = rng.id(regionMs);
    regionIds.push(regionId);
    rows.created(regions, {
      id: regionId,
      tenant_id: tenantId,
      name: spec.name,
      description: spec.description,
      created_at: clock.iso(regionMs),
      updated_at: clock.iso(regionMs),
      created_by: countryManager.userId,
      updated_by: countryManager.userId,
    }, countryManager);
    regionManagers.push(
      addUser("region_manager", `region_manager.r${r + 1}`, countryManager, 3 + r * 0.1, {
        regionId,
      }),
    );
  });

  const addBranch = (office: Office, regionId: string, days: number, deletedDaysAgo?: number) => {
    const ms = createdMs + days * DAY_MS;
    const id = rng.id(ms);
    const deletedAt = deletedDaysAgo === undefined
      ? null
      : clock.iso(clock.daysAgo(deletedDaysAgo));
    rows.created(branches, {
      id,
      tenant_id: tenantId,
      region_id: regionId,
      name: office.name,
      address:
        `${staffFaker.location.buildingNumber()} ${staffFaker.location.street()}, ${office.city} ${office.state} ${office.postcode}`,
      phone: localPhone(ctx, office.area),
      email: `${slug(office.name)}@${domain}`,
      created_at: clock.iso(ms),
      updated_at: deletedAt ?? clock.iso(ms),
      created_by: countryManager.userId,
      updated_by: countryManager.userId,
      deleted_at: deletedAt,
      deleted_by: deletedAt ? countryManager.userId : null,
    }, countryManager);
    return id;
  };

  market.regions.forEach((spec, r) => {
    spec.offices.forEach((office, o) => {
      const b = branchPlans.length + 1;
      const id = addBranch(office, regionIds[r], 4 + b * 0.1);
      const place = { regionId: regionIds[r], branchId: id };
      const admin = addUser("branch_admin", `branch_admin.b${b}`, regionManagers[r], 5 + b, place);
      const consultants = [1, 2].map((k) =>
        addUser("consultant", `consultant.b${b}.${k}`, admin, 10 + b * 4 + k * 3 + o, place)
      );
      branchPlans.push({
        id,
        regionId: regionIds[r],
        name: office.name,
        office,
        admin,
        consultants,
        agentIds: [],
      });
    });
  });
  // An office that closed: no staff, no live clients, so it could be deleted (SPEC §2).
  addBranch(market.closedOffice, regionIds[0], 6, 200 + rng.int(0, 100));

  buildAgents(ctx, tenantId, countryManager, branchPlans, createdMs);
  return {
    tenantId,
    tenantName,
    domain,
    settings,
    createdMs,
    superAdmin,
    countryManager,
    regionManagers,
    branches: branchPlans,
    staff,
    actorOf,
  };
}

/**
 * Referral agents: two tenant-wide ones (made by the country manager) and one per
 * branch (made by its admin); one branch agent has since been deleted.
 */
function buildAgents(
  ctx: TenantContext,
  tenantId: string,
  countryManager: Staff,
  branchPlans: BranchPlan[],
  createdMs: number,
): void {
  const { rng, clock, rows } = ctx;
  const tenantWide: string[] = [];
  const owners: { branch: BranchPlan | null; creator: Staff }[] = [
    { branch: null, creator: countryManager },
    { branch: null, creator: countryManager },
    ...branchPlans.map((branch) => ({ branch, creator: branch.admin })),
  ];
  owners.forEach(({ branch, creator }, i) => {
    const origin = rng.pick(["en_NP", "en_IN", "vi", "en_NG"]);
    const faker = ctx.fakers.of(origin);
    const ms = Math.max(createdMs + (30 + i * 9) * DAY_MS, creator.createdMs + DAY_MS);
    const id = rng.id(ms);
    const name = faker.person.fullName();
    const deleted = i === owners.length - 1;
    const deletedAt = deleted ? clock.iso(clock.daysAgo(rng.int(20, 90))) : null;
    rows.created(agents, {
      id,
      tenant_id: tenantId,
      branch_id: branch?.id ?? null,
      name,
      company: `${faker.person.lastName()} ${rng.pick(AGENT_COMPANY_WORDS)}`,
      email: `${slug(name.split(" ")[0])}@${slug(faker.company.name()).slice(0, 20)}.com`,
      phone: fillPattern(ctx, rng.pick(["+977 1 #######", "+91 22 ########", "+84 28 ########"])),
      commission_percent: rng.int(10, 30) / 2,
      created_at: clock.iso(ms),
      updated_at: deletedAt ?? clock.iso(ms),
      created_by: creator.userId,
      updated_by: creator.userId,
      deleted_at: deletedAt,
      deleted_by: deleted ? creator.userId : null,
    }, creator);
    if (deleted) return;
    if (branch) branch.agentIds.push(id);
    else tenantWide.push(id);
  });
  for (const branch of branchPlans) branch.agentIds.push(...tenantWide);
}
