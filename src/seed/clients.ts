/**
 * A seeded agency's clients with their profiles (passports, qualifications,
 * English tests, work history, language evidence) and notes timeline. Rows obey
 * the API's rules: one current passport whose number and expiry are the
 * client's; IELTS bands in 0.5 steps with the official overall rounding, PTE
 * 10–90, TOEFL bands 0–30 summing to the overall; dates in order and never after
 * "now"; the assignee works in the client's branch.
 * @module
 */
import {
  client_experiences,
  client_lpes,
  client_notes,
  client_passports,
  client_proficiencies,
  client_qualifications,
  type CLIENT_STATUSES,
  clients,
  type GENDERS,
  type LEAD_SOURCES,
} from "../db/schema/index.ts";
import {
  FIELDS_OF_STUDY,
  FREE_MAIL,
  NOTE_TEMPLATES,
  OCCUPATIONS,
  type Origin,
  ORIGINS,
} from "./catalog.ts";
import type { TenantContext } from "./context.ts";
import { DAY_MS } from "./random.ts";
import type { Reference } from "./reference.ts";
import {
  type BranchPlan,
  fillPattern,
  localPhone,
  type Organisation,
  slug,
  type Staff,
} from "./tenancy.ts";

/** Clients per tenant at `--scale 1`; two are soft-deleted, so 50 stay live. */
export const CLIENTS_PER_TENANT = 52;
/** Client numbers (0-based) whose visa expires inside the 30-day notice window. */
const VISA_EXPIRING = new Set([5, 21, 40]);
/** … whose passport expires inside the 90-day notice window. */
const PASSPORT_EXPIRING = new Set([8, 33]);
/** … who were soft-deleted (their rows stay, hidden with them). */
const DELETED = new Set([50, 51]);

type ClientRow = typeof clients.$inferInsert & { id: string; created_at: string };

export type ClientPlan = {
  row: ClientRow;
  name: string;
  branch: BranchPlan;
  assignee: Staff | null;
  /** Who works the file: the assignee, else the branch admin. */
  owner: Staff;
  createdMs: number;
  origin: Origin;
  age: number;
  /** Plans to study (student visa, admissions). */
  student: boolean;
  visaExpiringSoon: boolean;
  deleted: boolean;
};

/** IELTS overall: the band mean rounded to the nearest half band, .25 and .75 rounding up. */
export function ieltsOverall(bands: number[]): number {
  const mean = bands.reduce((a, b) => a + b, 0) / bands.length;
  return Math.floor(mean * 2 + 0.5) / 2;
}

/** Builds the tenant's clients (with profiles and notes) into its batch. */
export function buildClients(
  ctx: TenantContext,
  org: Organisation,
  reference: Reference,
  count: number,
): ClientPlan[] {
  const plans: ClientPlan[] = [];
  for (let i = 0; i < count; i++) plans.push(buildClient(ctx, org, reference, i));
  return plans;
}

function buildClient(
  ctx: TenantContext,
  org: Organisation,
  reference: Reference,
  i: number,
): ClientPlan {
  const { rng, clock, rows } = ctx;
  const branch = org.branches[rng.weighted(org.branches.map((_, b) => [b, 4 - b * 0.6] as const))];
  const origin = rng.weighted(ORIGINS.map((o) => [o, o.weight] as const));
  const faker = ctx.fakers.of(origin.locale);
  const gender = rng.weighted<(typeof GENDERS)[number]>([
    ["female", 48],
    ["male", 48],
    ["other", 2],
    ["unspecified", 2],
  ]);
  const sex = gender === "male" || gender === "female"
    ? gender
    : rng.pick(["female", "male"] as const);
  const firstName = faker.person.firstName(sex);
  const lastName = faker.person.lastName();
  const visaExpiringSoon = VISA_EXPIRING.has(i);
  const deleted = DELETED.has(i);
  const firstClientMs = org.createdMs + 60 * DAY_MS;
  const createdMs = visaExpiringSoon
    ? clock.between(rng, clock.daysAgo(1000), clock.daysAgo(430))
    : clock.between(rng, firstClientMs, clock.daysAgo(deleted ? 60 : 1));
  const age = rng.weighted([[rng.int(18, 24), 45], [rng.int(25, 32), 40], [rng.int(33, 52), 15]]);
  const dob = clock.date(clock.daysAgo(age * 365.25 + rng.int(0, 364)));
  const status = rng.weighted<(typeof CLIENT_STATUSES)[number]>([
    ["lead", 14],
    ["prospect", 14],
    ["active", 42],
    ["on_hold", 8],
    ["completed", 15],
    ["lost", 7],
  ]);
  const viaAgent = branch.agentIds.length > 0 && rng.chance(0.25);
  const leadSource: (typeof LEAD_SOURCES)[number] = viaAgent ? "agent" : rng.weighted([
    ["walk_in", 25],
    ["referral", 25],
    ["website", 25],
    ["social", 15],
    ["other", 5],
  ]);
  const unassigned = (status === "lead" || status === "prospect") && rng.chance(0.3);
  const assignee = unassigned
    ? null
    : rng.weighted([[branch.consultants[0], 44], [branch.consultants[1], 44], [branch.admin, 12]]);
  const owner = assignee ?? branch.admin;
  const creator = rng.chance(0.7) ? owner : branch.admin;
  const createdAt = clock.iso(createdMs);
  const deletedMs = deleted ? clock.between(rng, createdMs + 20 * DAY_MS, clock.daysAgo(1)) : null;

  const email = rng.chance(0.95)
    ? `${slug(firstName) || "client"}.${slug(lastName) || "client"}${
      rng.chance(0.4) ? rng.int(1, 99) : ""
    }@${rng.pick(FREE_MAIL)}`
    : null;
  const row: ClientRow = {
    id: rng.id(createdMs),
    tenant_id: org.tenantId,
    branch_id: branch.id,
    assigned_to: assignee?.userId ?? null,
    agent_id: viaAgent ? rng.pick(branch.agentIds) : null,
    first_name: firstName,
    last_name: lastName,
    email,
    phone: rng.chance(0.75) ? localPhone(ctx) : fillPattern(ctx, origin.mobile),
    date_of_birth: dob,
    gender,
    nationality: origin.country,
    passport_number: null,
    passport_expiry_date: null,
    current_visa: null,
    visa_expiry_date: null,
    address: `${faker.location.buildingNumber()} ${
      ctx.fakers.of("en_AU").location.street()
    }, ${branch.office.city} ${branch.office.state} ${branch.office.postcode}`,
    notes: rng.chance(0.3) ? rng.pick(NOTE_TEMPLATES.note) : "",
    status,
    lead_source: leadSource,
    created_at: createdAt,
    updated_at: deletedMs ? clock.iso(deletedMs) : createdAt,
    created_by: creator.userId,
    updated_by: deletedMs ? branch.admin.userId : creator.userId,
    deleted_at: deletedMs ? clock.iso(deletedMs) : null,
    deleted_by: deletedMs ? branch.admin.userId : null,
  };
  const plan: ClientPlan = {
    row,
    name: `${firstName} ${lastName}`,
    branch,
    assignee,
    owner,
    createdMs,
    origin,
    age,
    student: age <= 30 && rng.chance(0.6),
    visaExpiringSoon,
    deleted,
  };

  // The profile, entered when the file was opened: passports first, their number
  // and expiry copied onto the client as the profiles API does.
  const passport = buildPassports(ctx, plan, PASSPORT_EXPIRING.has(i));
  row.passport_number = passport.number;
  row.passport_expiry_date = passport.expiry;
  // Many arrive already holding a visa (studying or visiting); a grant replaces it later.
  if (status !== "lead" && rng.chance(0.35)) {
    const held = rng.pick(
      reference.visaTypes.filter((t) => ["STUDENT", "VISITOR", "WORK"].includes(t.categoryCode)),
    );
    row.current_visa = held.name;
    row.visa_expiry_date = clock.date(clock.daysAgo(-rng.int(45, 700)));
  }
  rows.created(clients, row, creator);
  buildQualifications(ctx, plan);
  buildProficiencies(ctx, plan);
  buildExperiences(ctx, plan);
  buildNotes(ctx, plan);
  return plan;
}

/** Lifecycle columns of a client's child row made by `who` at `ms`. */
function childStamps(plan: ClientPlan, who: Staff, ms: number) {
  return {
    tenant_id: plan.row.tenant_id,
    client_id: plan.row.id,
    created_at: new Date(ms).toISOString(),
    updated_at: new Date(ms).toISOString(),
    created_by: who.userId,
    updated_by: who.userId,
  };
}

/** Current passport (and sometimes the expired one before it); returns the current one. */
function buildPassports(ctx: TenantContext, plan: ClientPlan, expiringSoon: boolean) {
  const { rng, clock, rows } = ctx;
  const years = plan.origin.country === "NP" || plan.age < 18 ? 10 : rng.pick([5, 10, 10]);
  const expiry = expiringSoon
    ? clock.date(clock.daysAgo(-rng.int(15, 80)))
    : clock.addYears(clock.date(clock.daysAgo(rng.int(60, 365 * years - 200))), years);
  const issue = clock.addYears(expiry, -years);
  const number = fillPattern(ctx, plan.origin.passport);
  const at = plan.createdMs + rng.int(1, 120) * 60_000;
  if (rng.chance(0.2)) {
    rows.created(client_passports, {
      id: rng.id(at),
      passport_number: fillPattern(ctx, plan.origin.passport),
      country: plan.origin.country,
      issue_date: clock.addYears(issue, -years),
      expiry_date: clock.addDays(issue, -1),
      is_current: false,
      notes: "Previous passport, kept for travel history.",
      ...childStamps(plan, plan.owner, at),
    }, plan.owner);
  }
  const currentAt = at + 60_000;
  rows.created(client_passports, {
    id: rng.id(currentAt),
    passport_number: number,
    country: plan.origin.country,
    issue_date: issue,
    expiry_date: expiry,
    is_current: true,
    notes: "",
    ...childStamps(plan, plan.owner, currentAt),
  }, plan.owner);
  return { number, expiry };
}

function buildQualifications(ctx: TenantContext, plan: ClientPlan): void {
  const { rng, clock, rows } = ctx;
  const faker = ctx.fakers.of(plan.origin.locale);
  const born = Date.parse(`${plan.row.date_of_birth}T00:00:00Z`);
  const atAge = (years: number) =>
    clock.date(Math.min(born + years * 365.25 * DAY_MS, clock.nowMs));
  const field = rng.pick(FIELDS_OF_STUDY);
  const add = (
    level: typeof client_qualifications.$inferInsert["level"],
    title: string,
    institution: string,
    from: number,
    to: number,
    grade: string,
    studyField = "",
  ) => {
    const at = plan.createdMs + rng.int(121, 400) * 60_000;
    rows.created(client_qualifications, {
      id: rng.id(at),
      level,
      title,
      institution,
      country: plan.origin.country,
      field_of_study: studyField,
      start_date: atAge(from),
      completion_date: born + to * 365.25 * DAY_MS < clock.nowMs ? atAge(to) : null,
      grade,
      ...childStamps(plan, plan.owner, at),
    }, plan.owner);
  };
  add(
    "secondary",
    "Higher Secondary Certificate",
    `${faker.location.city()} Secondary School`,
    16,
    18,
    rng.pick(["First Division", "Distinction", "GPA 3.6/4.0", "78%"]),
  );
  if (plan.age < 21) return;
  const bachelor = rng.chance(0.8);
  add(
    bachelor ? "bachelor" : "diploma",
    `${bachelor ? "Bachelor" : "Diploma"} of ${field}`,
    rng.pick(plan.origin.universities),
    18,
    bachelor ? 22 : 20,
    rng.pick(["First Class", "Second Class Upper", "GPA 3.2/4.0", "68%", "Distinction"]),
    field,
  );
  if (bachelor && plan.age >= 25 && rng.chance(0.3)) {
    add(
      "master",
      `Master of ${rng.pick(FIELDS_OF_STUDY)}`,
      rng.pick(plan.origin.universities),
      23,
      25,
      rng.pick(["Merit", "Distinction", "GPA 3.5/4.0"]),
      field,
    );
  }
}

type TestSpec = {
  test: typeof client_proficiencies.$inferInsert["test"];
  issuer: string;
  title: string;
};

/** English tests (sometimes a retake) and, for many, the evidence document behind them. */
function buildProficiencies(ctx: TenantContext, plan: ClientPlan): void {
  const { rng, clock, rows } = ctx;
  if (plan.origin.country === "GB") {
    const at = plan.createdMs + 500 * 60_000;
    rows.created(client_lpes, {
      id: rng.id(at),
      evidence_type: "passport_country",
      title: "Passport of an English-speaking country",
      issued_by: "HM Passport Office",
      issue_date: null,
      expiry_date: plan.row.passport_expiry_date ?? null,
      proficiency_id: null,
      is_verified: true,
      notes: "",
      ...childStamps(plan, plan.owner, at),
    }, plan.owner);
    return;
  }
  if (!rng.chance(0.72)) return;
  const spec = rng.weighted<TestSpec>([
    [{ test: "ielts_academic", issuer: "IELTS (IDP)", title: "IELTS Test Report Form" }, 40],
    [
      { test: "ielts_general", issuer: "IELTS (British Council)", title: "IELTS Test Report Form" },
      15,
    ],
    [{ test: "pte_academic", issuer: "Pearson", title: "PTE Academic score report" }, 35],
    [{ test: "toefl_ibt", issuer: "ETS", title: "TOEFL iBT score report" }, 10],
  ]);
  const attempts = rng.chance(0.15) ? 2 : 1;
  let testMs = clock.daysAgo(rng.int(20, 700));
  for (let attempt = 0; attempt < attempts; attempt++) {
    const last = attempt === attempts - 1;
    const scores = scoresFor(ctx, spec.test, last ? 1 : 0);
    const at = Math.min(Math.max(plan.createdMs, testMs) + 600 * 60_000, clock.nowMs - 60_000);
    const testDate = clock.date(testMs);
    const id = rng.id(at);
    rows.created(client_proficiencies, {
      id,
      test: spec.test,
      ...scores,
      test_date: testDate,
      reference_number: referenceNumber(ctx, spec.test, testMs, plan.origin.country),
      ...childStamps(plan, plan.owner, at),
    }, plan.owner);
    if (last && rng.chance(0.55)) {
      rows.created(client_lpes, {
        id: rng.id(at + 60_000),
        evidence_type: "test_report",
        title: spec.title,
        issued_by: spec.issuer,
        issue_date: clock.addDays(testDate, 13),
        expiry_date: clock.addYears(testDate, spec.test === "pte_academic" ? 3 : 2),
        proficiency_id: id,
        is_verified: rng.chance(0.6),
        notes: "",
        ...childStamps(plan, plan.owner, at + 60_000),
      }, plan.owner);
    }
    testMs += rng.int(60, 120) * DAY_MS;
    testMs = Math.min(testMs, clock.daysAgo(5));
  }
}

/** Plausible scores inside each test's scale (a retake scores `boost` better). */
function scoresFor(ctx: TenantContext, test: TestSpec["test"], boost: number) {
  const { rng } = ctx;
  if (test === "pte_academic") {
    const overall = Math.min(90, rng.int(46, 82) + boost * 4);
    const band = () => Math.max(10, Math.min(90, overall + rng.int(-8, 8)));
    return { overall, listening: band(), reading: band(), writing: band(), speaking: band() };
  }
  if (test === "toefl_ibt") {
    const band = () => Math.min(30, rng.int(17, 28) + boost);
    const bands = { listening: band(), reading: band(), writing: band(), speaking: band() };
    return { overall: bands.listening + bands.reading + bands.writing + bands.speaking, ...bands };
  }
  const target = rng.int(11, 15) / 2 + boost * 0.5;
  const band = () => Math.max(4, Math.min(9, target + rng.int(-2, 2) / 2));
  const bands = { listening: band(), reading: band(), writing: band(), speaking: band() };
  return {
    overall: ieltsOverall([bands.listening, bands.reading, bands.writing, bands.speaking]),
    ...bands,
  };
}

function referenceNumber(ctx: TenantContext, test: TestSpec["test"], ms: number, country: string) {
  const year = new Date(ms).getUTCFullYear() % 100;
  if (test === "pte_academic") return fillPattern(ctx, "##########");
  if (test === "toefl_ibt") return fillPattern(ctx, "################");
  return `${year}${country}${fillPattern(ctx, "######AAAA001A")}`;
}

/** Work history after study: most recent job last, sometimes still current. */
function buildExperiences(ctx: TenantContext, plan: ClientPlan): void {
  const { rng, clock, rows } = ctx;
  if (plan.age < 22 || !rng.chance(0.7)) return;
  const faker = ctx.fakers.of(plan.origin.locale);
  const born = Date.parse(`${plan.row.date_of_birth}T00:00:00Z`);
  let start = born + rng.int(21, 24) * 365.25 * DAY_MS;
  const jobs = rng.int(1, 3);
  const occupation = rng.pick(OCCUPATIONS);
  for (let j = 0; j < jobs && start < clock.daysAgo(60); j++) {
    const current = j === jobs - 1 && rng.chance(0.4);
    const end = current ? null : Math.min(start + rng.int(200, 1400) * DAY_MS, clock.daysAgo(30));
    const at = plan.createdMs + (700 + j) * 60_000;
    const position = j === 0 ? `Junior ${occupation}` : occupation;
    rows.created(client_experiences, {
      id: rng.id(at),
      employer: faker.company.name(),
      position,
      country: plan.origin.country,
      start_date: clock.date(start),
      end_date: end === null ? null : clock.date(end),
      hours_per_week: rng.pick([20, 30, 38, 40, 40]),
      description: rng.pick([
        `${position}; duties match the nominated occupation.`,
        "Full-time, permanent role with reference letter on file.",
        "Part-time while studying.",
        "",
      ]),
      ...childStamps(plan, plan.owner, at),
    }, plan.owner);
    if (end === null) break;
    start = end + rng.int(10, 120) * DAY_MS;
  }
}

/** The notes timeline: calls, emails, meetings and notes between opening the file and now. */
function buildNotes(ctx: TenantContext, plan: ClientPlan): void {
  const { rng, clock, rows } = ctx;
  const count = rng.int(1, 4);
  const end = plan.deleted ? Date.parse(plan.row.deleted_at!) : clock.nowMs;
  const times = Array.from({ length: count }, () => clock.between(rng, plan.createdMs, end)).sort(
    (a, b) => a - b,
  );
  const writers = [plan.owner, plan.branch.admin, ...plan.branch.consultants];
  for (const at of times) {
    const kind = rng.weighted(
      [["call", 35], ["email", 25], ["meeting", 20], ["note", 20]] as const,
    );
    const author = rng.chance(0.7) ? plan.owner : rng.pick(writers);
    rows.created(client_notes, {
      id: rng.id(at),
      kind,
      body: rng.pick(NOTE_TEMPLATES[kind]),
      author_id: author.userId,
      at: clock.iso(at),
      ...childStamps(plan, author, at),
    }, author);
  }
}
