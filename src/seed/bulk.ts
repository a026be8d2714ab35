/**
 * `--scale N`: the load-test clients (N − 1 more batches of 52 per agency) and
 * their dependents, generated inside the database by INSERT … SELECT statements.
 * A million clients cannot cross the driver row by row in a minute (binding a
 * value costs about a microsecond), so JavaScript only sends small lookup tables
 * (each agency's branches, staff, agents, visa and application types) and word
 * pools drawn by faker, and SQL makes the rows.
 *
 * Every choice is a hash of the client's number and a field salt derived from the
 * seed (see Draws), so the same seed gives the same rows. Each client's shared
 * choices are made once into a TEMP table (the client stream) that every
 * table's statement reads; each client has each kind of record with the odds in
 * SHARE. The rows
 * follow the rules the rich seed and the API follow: one current passport whose
 * number and expiry are the client's, a granted visa application whose type and
 * expiry are the client's current visa, IELTS half bands with the official
 * overall, PTE 10–90, TOEFL 0–30 bands summing to the overall, the assignee
 * working in the client's branch, dates in order and never after "now".
 * Clients are numbered agency by agency, each agency's in creation order, so
 * each index takes its new entries at a few hot pages (see scaled-tables.ts).
 * No audit entries: see seed-database.ts. Each table is one statement, so one
 * atomic write.
 * @module
 */
import {
  APPLICATION_TYPES,
  CLIENT_TASKS,
  FIELDS_OF_STUDY,
  FREE_MAIL,
  MARKETS,
  NOTE_TEMPLATES,
  OCCUPATIONS,
  ORIGINS,
  REMINDER_MESSAGES,
} from "./catalog.ts";
import { Fakers } from "./context.ts";
import { slug } from "./tenancy.ts";
import type { Statement } from "./writer.ts";
import { DAY_MS, mixSeed, type SeedClock } from "./random.ts";

/** What the generator needs of one agency built by the rich seed. */
export type BulkTenant = {
  tenantId: string;
  market: number;
  currency: string;
  branches: {
    id: string;
    adminId: string;
    consultantIds: string[];
    agentIds: string[];
    /** ", Sydney NSW 2000": the end of a client's address. */
    suffix: string;
  }[];
  visaTypes: { id: string; name: string; fee: number; grantYears: number; conditions: string }[];
  applicationTypes: { id: string; stageIds: string[] }[];
};

export type BulkInput = {
  seed: number;
  clock: SeedClock;
  tenants: BulkTenant[];
  /** Extra clients per agency. */
  perTenant: number;
  /** The earliest instant a scaled client may be created (after every agency's staff). */
  firstMs: number;
  log: (line: string) => void;
};

const P = 2147483647;
/** Name combinations per origin: every pair of 32 first names and 32 last names. */
const NAMES = 1024;

/**
 * Percent of scaled clients with each kind of record (one each). Lower than the
 * rich agencies' (where every client has several): at a million clients every
 * percent is tens of thousands of rows and their index entries.
 */
export const SHARE = {
  passport: 40,
  qualification: 30,
  proficiency: 30,
  lpeOfProficiency: 25,
  experience: 25,
  note: 30,
  visaApplication: 40,
  application: 15,
  task: 20,
  reminder: 15,
};
const HOUR = 3_600_000;
/** Every pool holds this many entries (lists are repeated to fill it), so a draw is `h % 32`. */
const POOL = 32;

const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * SQL of the per-client random draws. Each client gets a base `x` (a Weyl step of
 * its number, so consecutive clients are far apart); a field's draw is
 * `((x + s)² + s) mod p` with the field's salt `s` from the seed: cheap, and every
 * product stays below 2^63.
 */
class Draws {
  constructor(private readonly seed: number) {}

  base(k: string): string {
    return `((${k}) * 1103515245 + ${mixSeed(this.seed, 0xba5e) % P}) % ${P}`;
  }

  h(field: number, x = "c.x"): string {
    const s = mixSeed(this.seed, 0xb01c, field) % 800_000_000;
    return `(((${x}) + ${s}) * ((${x}) + ${s}) + ${s}) % ${P}`;
  }

  /** A draw in [0, n). */
  d(field: number, n: number | string, x?: string): string {
    return `(${this.h(field, x)} % ${n})`;
  }
}

/** `CASE` picking by weight: `x` must be a draw in [0, sum of weights). */
function weighted(x: string, entries: [string, number][]): string {
  let upTo = 0;
  const whens = entries.slice(0, -1).map(([value, weight]) => {
    upTo += weight;
    return `WHEN ${x} < ${upTo} THEN ${value}`;
  });
  return `CASE ${whens.join(" ")} ELSE ${entries[entries.length - 1][0]} END`;
}

const weightSum = (entries: [string, number][]) => entries.reduce((s, [, w]) => s + w, 0);

/** SQL filling a pattern (`#` digits, `A` letters) from the given hashes, in one printf. */
function pattern(text: string, hashes: string[]): string {
  let format = "";
  const args: string[] = [];
  let next = 0;
  const hash = () => hashes[next++ % hashes.length];
  for (let i = 0; i < text.length;) {
    if (text[i] === "#") {
      let n = 0;
      while (text[i + n] === "#" && n < 9) n++;
      format += `%0${n}d`;
      args.push(`${hash()} % ${10 ** n}`);
      i += n;
    } else if (text[i] === "A") {
      format += "%s";
      args.push(`char(65 + ${hash()} % 26)`);
      i++;
    } else {
      format += text[i] === "%" ? "%%" : text[i];
      i++;
    }
  }
  return `printf(${[lit(format), ...args].join(", ")})`;
}

/** `CASE <expr> WHEN 0 THEN … WHEN 1 THEN … END` over a list. */
const caseIndex = (expr: string, values: string[]) =>
  `CASE ${expr} ${values.map((v, i) => `WHEN ${i} THEN ${v}`).join(" ")} END`;

/** RFC 3339 text of an instant in ms, as `toISOString()` writes it (SQLite rounds to the ms). */
const iso = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${ms}) / 1000.0, 'unixepoch')`;
const day = (ms: string) => `date((${ms}) / 1000, 'unixepoch')`;

/** Id salts per table, so two tables' ids differ even for the same client. */
const TABLE_SALT: Record<string, number> = {
  clients: 1,
  client_passports: 2,
  client_qualifications: 3,
  client_proficiencies: 4,
  client_experiences: 5,
  client_lpes: 6,
  client_notes: 7,
  visa_applications: 8,
  applications: 9,
  tasks: 10,
  reminders: 11,
};

const VISA_STATUSES = [
  ["'draft'", 10],
  ["'preparing'", 15],
  ["'lodged'", 20],
  ["'further_information_requested'", 8],
  ["'granted'", 32],
  ["'refused'", 8],
  ["'withdrawn'", 7],
] as const;

/** The statements of one run. `seed_tmp_c` holds the client stream, computed once. */
export class BulkSql {
  readonly D: Draws;
  readonly total: number;
  readonly ref: number;

  constructor(readonly input: BulkInput) {
    this.D = new Draws(input.seed);
    this.total = input.tenants.length * input.perTenant;
    this.ref = input.clock.nowMs;
  }

  /** A UUIDv7 of instant `ms`: random bits drawn from the client, its number in the low 32 bits. */
  id(table: string, ms: string, x = "c.x", k = "c.k"): string {
    const salt = 900 + TABLE_SALT[table] * 2;
    const a = this.D.h(salt, x);
    const b = this.D.h(salt + 1, x);
    return `printf('%08x-%04x-7%03x-%x%03x-%012x', (${ms}) / 65536, (${ms}) % 65536, ${a} % 4096, 8 + (${a} / 4096) % 4, ${b} % 4096, ((${b} / 4096) % 65536) * 4294967296 + (${k}))`;
  }

  pool(kind: string, grp: string, draw: string, column = "v"): string {
    return `(SELECT ${column} FROM seed_tmp_pool WHERE kind = '${kind}' AND grp = ${grp} AND k = ${draw})`;
  }

  country(origin = "c.origin"): string {
    return caseIndex(origin, ORIGINS.map((o) => lit(o.country)));
  }

  /** Stamps of a child row created by the client's owner at `ms`. */
  childStamps(ms: string): string {
    return `${iso(ms)}, ${iso(ms)}, c.owner, c.owner`;
  }

  /**
   * The client stream: one row per scaled client, agency by agency in creation
   * order, with every choice the tables share made once.
   */
  clientStream(): string {
    const { D, total, ref } = this;
    const per = this.input.perTenant;
    const span = ref - DAY_MS - this.input.firstMs;
    const origins = ORIGINS.map((o, i) => [String(i), o.weight] as [string, number]);
    const ageDays = `(${18 * 365} + ${D.d(12, 17 * 365)})`;
    // Each step lands a random share of the way from the one before towards
    // "now", so late clients' files stay in order instead of piling up at a cut-off.
    const within = (from: string, days: number, upTo: number, field: number) =>
      `(${from} + (min(${days * DAY_MS}, ${upTo} - (${from})) / 1000) * ${D.d(field, 1000)})`;
    const vaCreated = within(`c.ms + ${HOUR}`, 60, ref - 4 * HOUR, 23);
    const vaLodged = within(vaCreated, 45, ref - 3 * HOUR, 24);
    const vaDecided = within(vaLodged, 120, ref - 2 * HOUR, 25);
    const vaRank = weighted(
      D.d(21, 100),
      VISA_STATUSES.map(([, w], i) => [String(i), w] as [string, number]),
    );
    const hasVa = `${D.d(20, 100)} < ${SHARE.visaApplication}`;
    const assign = D.d(2, 100);
    return `CREATE TEMP TABLE seed_tmp_c AS
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < ${total - 1}),
s AS NOT MATERIALIZED (
  SELECT k, k / ${per} AS t, ${this.input.firstMs} + ((k % ${per}) * ${span}) / ${per} AS ms,
    ${D.base("k")} AS x
  FROM n
)
SELECT c.k, c.t, c.ms, c.x, ${this.id("clients", "c.ms")} AS client_id,
  st.tenant_id, st.market, st.currency, sb.branch_id, sb.admin_id, sb.c1, sb.suffix,
  CASE WHEN ${assign} < 44 THEN sb.c1 WHEN ${assign} < 88 THEN sb.c2
    WHEN ${assign} < 96 THEN sb.admin_id END AS assigned,
  CASE WHEN ${assign} < 44 THEN sb.c1 WHEN ${assign} < 88 THEN sb.c2 ELSE sb.admin_id END AS owner,
  CASE WHEN sb.agent_n > 0 AND ${D.d(3, 100)} < 25 THEN
    (SELECT agent_id FROM seed_tmp_ag a WHERE a.t = c.t AND a.b = sb.b AND a.k = ${
      D.h(4)
    } % sb.agent_n)
  END AS agent_id,
  ${weighted(D.d(5, weightSum(origins)), origins)} AS origin,
  ${
      weighted(D.d(6, 100), [["'female'", 48], ["'male'", 48], ["'other'", 2], [
        "'unspecified'",
        2,
      ]])
    } AS gender,
  ${
      weighted(D.d(15, 100), [
        ["'lead'", 14],
        ["'prospect'", 14],
        ["'active'", 42],
        ["'on_hold'", 8],
        ["'completed'", 15],
        ["'lost'", 7],
      ])
    } AS status,
  ${
      weighted(D.d(16, 95), [
        ["'walk_in'", 25],
        ["'referral'", 25],
        ["'website'", 25],
        ["'social'", 15],
        ["'other'", 5],
      ])
    } AS source,
  ${ref} - ${ageDays} * ${DAY_MS} AS dob_ms,
  ${D.d(45, 100)} < ${SHARE.passport} AS has_passport,
  (${ref} - (60 + ${D.d(14, 3340)}) * ${DAY_MS}) / 1000 AS passport_issue_s,
  ${D.d(18, 200)} = 0 AS deleted,
  ${hasVa} AS has_va,
  ${vaRank} AS va_rank,
  ${D.h(22)} % st.vt_n AS va_type,
  ${vaCreated} AS va_created,
  ${vaLodged} AS va_lodged,
  ${vaDecided} AS va_decided,
  ${D.d(19, 100)} < 30 AS has_prior,
  ${D.h(19)} / 100 % st.vt_n AS prior_type
FROM s c CROSS JOIN seed_tmp_t st CROSS JOIN seed_tmp_b sb
WHERE st.t = c.t AND sb.t = c.t AND sb.b = ${D.d(1, 4)}`;
  }

  /** The passport number of the client (the same in `clients` and `client_passports`). */
  passportNumber(): string {
    const { D } = this;
    return caseIndex(
      "c.origin",
      ORIGINS.map((o) => pattern(o.passport, [D.h(13), D.h(31), D.h(32)])),
    );
  }

  clients(): string {
    const { D, ref } = this;
    const phone = caseIndex("c.market", MARKETS.map((m) => pattern(m.mobile, [D.h(10), D.h(11)])));
    const female =
      `(c.gender = 'female' OR (c.gender IN ('other', 'unspecified') AND c.k % 2 = 0))`;
    const first = (column: "first" | "slug") =>
      `CASE WHEN ${female} THEN nm.f${column} ELSE nm.m${column} END`;
    const email = `CASE WHEN ${D.d(9, 100)} < 95 THEN ${first("slug")} || '.' || nm.lslug ||
      CASE WHEN ${D.d(33, 100)} < 40 THEN ${D.d(34, 99)} + 1 ELSE '' END || '@' || ${
      caseIndex(D.d(35, FREE_MAIL.length), FREE_MAIL.map(lit))
    } END`;
    const deletedMs = `min(c.ms + ${20 * DAY_MS} + ${D.d(36, 200)} * ${DAY_MS}, ${ref - DAY_MS})`;
    const granted = `(c.has_va AND c.va_rank = 4)`;
    const prior = `(c.has_prior AND c.status <> 'lead')`;
    return `INSERT INTO clients (id, tenant_id, branch_id, assigned_to, agent_id, first_name, last_name,
  email, phone, date_of_birth, gender, nationality, passport_number, passport_expiry_date, current_visa,
  visa_expiry_date, address, notes, status, lead_source, created_at, updated_at, created_by, updated_by,
  deleted_at, deleted_by)
SELECT c.client_id, c.tenant_id, c.branch_id, c.assigned, c.agent_id, ${first("first")}, nm.last,
  ${email}, ${phone}, ${day("c.dob_ms")}, c.gender, ${this.country()},
  CASE WHEN c.has_passport THEN ${this.passportNumber()} END,
  CASE WHEN c.has_passport THEN date(c.passport_issue_s, 'unixepoch', '+10 years') END,
  CASE WHEN ${granted} THEN (SELECT name FROM seed_tmp_vt v WHERE v.t = c.t AND v.k = c.va_type)
    WHEN ${prior} THEN (SELECT name FROM seed_tmp_vt p WHERE p.t = c.t AND p.k = c.prior_type) END,
  CASE WHEN ${granted} THEN (SELECT date(c.va_decided / 1000, 'unixepoch', '+' || v.years || ' years')
      FROM seed_tmp_vt v WHERE v.t = c.t AND v.k = c.va_type)
    WHEN ${prior} THEN ${day(`${ref} + (45 + ${D.d(37, 655)}) * ${DAY_MS}`)} END,
  (1 + ${D.d(17, 240)}) || ' ' || ${this.pool("street", "0", D.d(38, POOL))} || c.suffix, '',
  c.status, CASE WHEN c.agent_id IS NOT NULL THEN 'agent' ELSE c.source END,
  ${iso("c.ms")}, CASE WHEN c.deleted THEN ${iso(deletedMs)} ELSE ${iso("c.ms")} END,
  c.owner, CASE WHEN c.deleted THEN c.admin_id ELSE c.owner END,
  CASE WHEN c.deleted THEN ${iso(deletedMs)} END, CASE WHEN c.deleted THEN c.admin_id END
FROM seed_tmp_c c CROSS JOIN seed_tmp_names nm
WHERE nm.origin = c.origin AND nm.k = ${D.d(7, NAMES)}`;
  }

  passports(): string {
    const ms = `c.ms + 60000`;
    return `INSERT INTO client_passports (id, tenant_id, client_id, passport_number, country, issue_date,
  expiry_date, is_current, notes, created_at, updated_at, created_by, updated_by)
SELECT ${this.id("client_passports", ms)}, c.tenant_id, c.client_id, ${this.passportNumber()},
  ${this.country()}, date(c.passport_issue_s, 'unixepoch'),
  date(c.passport_issue_s, 'unixepoch', '+10 years'), 1, '', ${this.childStamps(ms)}
FROM seed_tmp_c c WHERE c.has_passport`;
  }

  qualifications(): string {
    const { D, ref } = this;
    const ms = `c.ms + 120000`;
    const level = weighted(D.d(40, 100, "seed_tmp_c.x"), [
      ["'secondary'", 10],
      ["'diploma'", 15],
      ["'bachelor'", 60],
      ["'master'", 15],
    ]);
    const field = this.pool("field", "0", D.d(41, POOL));
    const year = 31_557_600_000;
    const done = `c.dob_ms + (c.from_age + 2 + (c.level = 'bachelor') * 2) * ${year}`;
    return `INSERT INTO client_qualifications (id, tenant_id, client_id, level, title, institution, country,
  field_of_study, start_date, completion_date, grade, created_at, updated_at, created_by, updated_by)
WITH q AS NOT MATERIALIZED (
  SELECT seed_tmp_c.*, ${level} AS level,
    CASE ${level} WHEN 'secondary' THEN 16 WHEN 'master' THEN 23 ELSE 18 END AS from_age
  FROM seed_tmp_c WHERE ${D.d(46, 100, "seed_tmp_c.x")} < ${SHARE.qualification}
)
SELECT ${this.id("client_qualifications", ms)}, c.tenant_id, c.client_id, c.level,
  CASE c.level WHEN 'secondary' THEN 'Higher Secondary Certificate'
    WHEN 'diploma' THEN 'Diploma of ' || ${field} WHEN 'bachelor' THEN 'Bachelor of ' || ${field}
    ELSE 'Master of ' || ${field} END,
  CASE c.level WHEN 'secondary' THEN ${this.pool("school", "c.origin", D.d(42, POOL))}
    ELSE ${this.pool("uni", "c.origin", D.d(42, POOL))} END,
  ${this.country()}, CASE WHEN c.level = 'secondary' THEN '' ELSE ${field} END,
  ${day(`c.dob_ms + c.from_age * ${year}`)},
  CASE WHEN ${done} < ${ref} THEN ${day(done)} END,
  ${this.pool("grade", "0", D.d(43, POOL))}, ${this.childStamps(ms)}
FROM q c`;
  }

  /** Clients with an English test, with the test and its bands drawn once. */
  proficiencyCte(): string {
    const { D } = this;
    const x = "seed_tmp_c.x";
    const test = weighted(D.d(51, 100, x), [
      ["'ielts_academic'", 40],
      ["'ielts_general'", 15],
      ["'pte_academic'", 35],
      ["'toefl_ibt'", 10],
    ]);
    // IELTS in half bands (8..18 = 4.0..9.0), PTE 10..90, TOEFL bands 17..28.
    const half = (f: number) => `max(8, min(18, 9 + ${D.d(52, 5, x)} + ${D.d(f, 5, x)}))`;
    const pte = `(46 + ${D.d(52, 37, x)})`;
    const pteBand = (f: number) => `max(10, min(90, ${pte} + ${D.d(f, 17, x)} - 8))`;
    const toefl = (f: number) => `(17 + ${D.d(f, 12, x)})`;
    return `WITH p AS NOT MATERIALIZED (
  SELECT seed_tmp_c.*, ${test} AS test,
    ${half(53)} AS i1, ${half(54)} AS i2, ${half(55)} AS i3, ${half(56)} AS i4,
    ${pte} AS pte, ${pteBand(53)} AS p1, ${pteBand(54)} AS p2, ${pteBand(55)} AS p3, ${
      pteBand(56)
    } AS p4,
    ${toefl(53)} AS t1, ${toefl(54)} AS t2, ${toefl(55)} AS t3, ${toefl(56)} AS t4,
    ${this.ref} - (20 + ${D.d(57, 680, x)}) * ${DAY_MS} AS test_ms
  FROM seed_tmp_c WHERE ${D.d(50, 100, x)} < ${SHARE.proficiency}
)`;
  }

  proficiencies(): string {
    const { D } = this;
    const ms = `c.ms + 180000`;
    const score = (ielts: string, pte: string, toefl: string) =>
      `CASE WHEN c.test LIKE 'ielts%' THEN ${ielts} WHEN c.test = 'pte_academic' THEN ${pte} ELSE ${toefl} END`;
    const band = (i: number) => score(`c.i${i} / 2.0`, `c.p${i}`, `c.t${i}`);
    return `INSERT INTO client_proficiencies (id, tenant_id, client_id, test, overall, listening, reading,
  writing, speaking, test_date, reference_number, created_at, updated_at, created_by, updated_by)
${this.proficiencyCte()}
SELECT ${this.id("client_proficiencies", ms)}, c.tenant_id, c.client_id, c.test,
  ${score("((c.i1 + c.i2 + c.i3 + c.i4 + 2) / 4) / 2.0", "c.pte", "c.t1 + c.t2 + c.t3 + c.t4")},
  ${band(1)}, ${band(2)}, ${band(3)}, ${band(4)}, ${day("c.test_ms")},
  CASE WHEN c.test LIKE 'ielts%' THEN substr(strftime('%Y', c.test_ms / 1000, 'unixepoch'), 3) ||
    ${this.country()} || ${pattern("######AAAA001A", [D.h(58), D.h(59)])}
    WHEN c.test = 'pte_academic' THEN ${pattern("##########", [D.h(58), D.h(59)])}
    ELSE ${pattern("################", [D.h(58), D.h(59)])} END,
  ${this.childStamps(ms)}
FROM p c`;
  }

  lpes(): string {
    const { D } = this;
    const ms = `c.ms + 240000`;
    return `INSERT INTO client_lpes (id, tenant_id, client_id, evidence_type, title, issued_by, issue_date,
  expiry_date, proficiency_id, is_verified, notes, created_at, updated_at, created_by, updated_by)
${this.proficiencyCte()}
SELECT ${this.id("client_lpes", ms)}, c.tenant_id, c.client_id, 'test_report',
  CASE WHEN c.test LIKE 'ielts%' THEN 'IELTS Test Report Form' WHEN c.test = 'pte_academic'
    THEN 'PTE Academic score report' ELSE 'TOEFL iBT score report' END,
  CASE WHEN c.test LIKE 'ielts%' THEN 'IELTS (IDP)' WHEN c.test = 'pte_academic' THEN 'Pearson'
    ELSE 'ETS' END,
  ${day(`c.test_ms + ${13 * DAY_MS}`)}, date(c.test_ms / 1000, 'unixepoch', '+2 years'),
  ${this.id("client_proficiencies", "c.ms + 180000")}, ${D.d(60, 10)} < 6, '', ${
      this.childStamps(ms)
    }
FROM p c WHERE ${D.d(61, 100)} < ${SHARE.lpeOfProficiency}`;
  }

  experiences(): string {
    const { D, ref } = this;
    const ms = `c.ms + 300000`;
    const start = `(c.dob_ms + ${22 * 365 * DAY_MS} + ${D.d(62, 1000)} * ${DAY_MS})`;
    const end = `min(${start} + (200 + ${D.d(66, 1200)}) * ${DAY_MS}, ${ref - 30 * DAY_MS})`;
    return `INSERT INTO client_experiences (id, tenant_id, client_id, employer, position, country, start_date,
  end_date, hours_per_week, description, created_at, updated_at, created_by, updated_by)
SELECT ${this.id("client_experiences", ms)}, c.tenant_id, c.client_id,
  ${this.pool("employer", "c.origin", D.d(63, POOL))}, ${
      this.pool("occupation", "0", D.d(64, POOL))
    },
  ${this.country()}, ${day(start)}, CASE WHEN ${D.d(65, 10)} >= 4 THEN ${day(end)} END,
  CASE ${D.d(67, 4)} WHEN 0 THEN 20 WHEN 1 THEN 30 WHEN 2 THEN 38 ELSE 40 END, '',
  ${this.childStamps(ms)}
FROM seed_tmp_c c WHERE ${D.d(68, 100)} < ${SHARE.experience} AND ${start} < ${ref - 60 * DAY_MS}`;
  }

  notes(): string {
    const { D, ref } = this;
    const at = `(c.ms + (min(${30 * DAY_MS}, ${ref - HOUR} - c.ms) / 1000) * ${D.d(71, 1000)})`;
    const kind = weighted(D.d(70, 100), [["0", 35], ["1", 25], ["2", 20], ["3", 20]]);
    return `INSERT INTO client_notes (id, tenant_id, client_id, kind, body, author_id, at, created_at,
  updated_at, created_by, updated_by)
SELECT ${this.id("client_notes", at)}, c.tenant_id, c.client_id,
  ${caseIndex(kind, ["'call'", "'email'", "'meeting'", "'note'"])},
  ${this.pool("note", kind, D.d(72, POOL))}, c.owner, ${iso(at)}, ${this.childStamps(at)}
FROM seed_tmp_c c WHERE ${D.d(73, 100)} < ${SHARE.note}`;
  }

  visaApplications(): string {
    const { D, ref } = this;
    const lodged = `(c.va_rank IN (2, 3, 4, 5) OR (c.va_rank = 6 AND ${D.d(26, 2)} = 0))`;
    const decided = `c.va_rank IN (4, 5)`;
    const moved = `CASE WHEN ${decided} THEN c.va_decided WHEN ${lodged} THEN c.va_lodged
      WHEN c.va_rank = 0 THEN c.va_created ELSE (c.va_created + c.va_lodged) / 2 END`;
    const byMarket = (pick: (m: (typeof MARKETS)[number]) => string, hashes: string[]) =>
      caseIndex("c.market", MARKETS.map((m) => pattern(pick(m), hashes)));
    return `INSERT INTO visa_applications (id, tenant_id, client_id, visa_type_id, status, lodged_date,
  decision_date, expiry_date, fee_amount, fee_currency, fee_paid_amount, government_reference,
  grant_number, conditions, rfi_due_date, assigned_to, notes, created_at, updated_at, created_by,
  updated_by)
SELECT ${this.id("visa_applications", "c.va_created")}, c.tenant_id, c.client_id, vt.id,
  ${caseIndex("c.va_rank", VISA_STATUSES.map(([status]) => status))},
  CASE WHEN ${lodged} THEN ${day("c.va_lodged")} END,
  CASE WHEN ${decided} THEN ${day("c.va_decided")} END,
  CASE WHEN c.va_rank = 4 THEN date(c.va_decided / 1000, 'unixepoch', '+' || vt.years || ' years') END,
  vt.fee, c.currency,
  CASE WHEN ${lodged} OR (c.va_rank = 1 AND ${D.d(27, 2)} = 0) THEN vt.fee ELSE 0 END,
  CASE WHEN ${lodged} THEN ${byMarket((m) => m.reference, [D.h(28), D.h(29)])} END,
  CASE WHEN c.va_rank = 4 THEN ${byMarket((m) => m.grantNumber, [D.h(30), D.h(39)])} END,
  CASE WHEN c.va_rank = 4 THEN vt.conditions ELSE '' END,
  CASE WHEN c.va_rank = 3 THEN ${day(`${ref} + (4 + ${D.d(44, 25)}) * ${DAY_MS}`)} END,
  coalesce(c.assigned, c.c1), '', ${iso("c.va_created")}, ${iso(moved)}, c.owner,
  CASE WHEN c.va_rank = 0 THEN c.owner ELSE c.admin_id END
FROM seed_tmp_c c CROSS JOIN seed_tmp_vt vt WHERE c.has_va AND vt.t = c.t AND vt.k = c.va_type`;
  }

  applications(): string {
    const { D, ref } = this;
    const x = "seed_tmp_c.x";
    const type = weighted(D.d(81, 100, x), [["0", 55], ["1", 20], ["2", 10], ["3", 15]]);
    const status = weighted(D.d(82, 100, x), [
      ["'active'", 58],
      ["'on_hold'", 10],
      ["'completed'", 17],
      ["'withdrawn'", 8],
      ["'rejected'", 7],
    ]);
    const created = `(seed_tmp_c.ms + (min(${60 * DAY_MS}, ${
      ref - 2 * HOUR
    } - seed_tmp_c.ms) / 1000) * ${D.d(87, 1000, x)})`;
    const first = `(c.pos = 1 AND c.app_status = 'active')`;
    return `INSERT INTO applications (id, tenant_id, client_id, application_type_id, stage_id, institution,
  course, intake, assigned_to, status, notes, created_at, updated_at, created_by, updated_by)
WITH a AS NOT MATERIALIZED (
  SELECT seed_tmp_c.*, ${type} AS type_k, ${status} AS app_status, ${created} AS app_created
  FROM seed_tmp_c WHERE ${D.d(80, 100, x)} < ${SHARE.application}
),
s AS NOT MATERIALIZED (
  SELECT a.*, at.id AS type_id,
    CASE WHEN a.app_status = 'completed' THEN at.stages ELSE 1 + ${
      D.d(83, "(at.stages - 1)", "a.x")
    } END AS pos
  FROM a CROSS JOIN seed_tmp_at at WHERE at.t = a.t AND at.k = a.type_k
)
SELECT ${this.id("applications", "c.app_created")}, c.tenant_id, c.client_id, c.type_id, st.id,
  ${this.pool("inst", "c.market * 4 + c.type_k", D.d(84, POOL))},
  ${this.pool("course", "c.type_k", D.d(85, POOL))},
  CASE WHEN c.type_k = 3 THEN NULL ELSE strftime('%Y-%m', (c.app_created + (60 + ${
      D.d(86, 240)
    }) * ${DAY_MS}) / 1000, 'unixepoch') END,
  coalesce(c.assigned, c.c1), c.app_status, '', ${iso("c.app_created")},
  ${
      iso(
        `CASE WHEN ${first} THEN c.app_created ELSE c.app_created + ((${
          ref - HOUR
        } - c.app_created) / 1000) * ${D.d(88, 1000)} END`,
      )
    },
  c.owner, CASE WHEN ${first} THEN c.owner ELSE c.admin_id END
FROM s c CROSS JOIN seed_tmp_st st WHERE st.t = c.t AND st.a = c.type_k AND st.pos = c.pos`;
  }

  tasks(): string {
    const { D, ref } = this;
    const x = "seed_tmp_c.x";
    const created = `(seed_tmp_c.ms + (min(${30 * DAY_MS}, ${
      ref - 2 * HOUR
    } - seed_tmp_c.ms) / 1000) * ${D.d(94, 1000, x)})`;
    const status = weighted(D.d(92, 100, x), [
      ["'todo'", 35],
      ["'in_progress'", 25],
      ["'done'", 30],
      ["'cancelled'", 10],
    ]);
    const priority = weighted(D.d(93, 100), [
      ["'low'", 15],
      ["'medium'", 45],
      ["'high'", 30],
      ["'urgent'", 10],
    ]);
    return `INSERT INTO tasks (id, tenant_id, client_id, title, detail, priority, status, due_date,
  assigned_to, tags, comments, completed_at, created_at, updated_at, created_by, updated_by)
WITH tk AS NOT MATERIALIZED (
  SELECT seed_tmp_c.*, ${status} AS task_status, ${created} AS task_created, ${
      D.d(91, POOL, x)
    } AS title_k
  FROM seed_tmp_c WHERE ${D.d(90, 100, x)} < ${SHARE.task}
),
tu AS NOT MATERIALIZED (
  SELECT tk.*, CASE WHEN tk.task_status = 'todo' THEN tk.task_created
    ELSE tk.task_created + ((${ref - HOUR} - tk.task_created) / 1000) * ${
      D.d(95, 1000, "tk.x")
    } END AS task_updated
  FROM tk
)
SELECT ${this.id("tasks", "c.task_created")}, c.tenant_id, c.client_id,
  ${this.pool("task", "0", "c.title_k")}, '', ${priority}, c.task_status,
  CASE WHEN c.task_status IN ('done', 'cancelled') THEN ${
      day(`c.task_created + (3 + ${D.d(96, 28)}) * ${DAY_MS}`)
    } ELSE ${day(`${ref} + (${D.d(96, 38)} - 7) * ${DAY_MS}`)} END,
  c.owner, ${this.pool("task", "0", "c.title_k", "slug")}, '[]',
  CASE WHEN c.task_status = 'done' THEN ${iso("c.task_updated")} END,
  ${iso("c.task_created")}, ${iso("c.task_updated")}, c.owner, c.owner
FROM tu c`;
  }

  reminders(): string {
    const { D, ref } = this;
    const x = "seed_tmp_c.x";
    const dateMs = `max(seed_tmp_c.ms + ${DAY_MS}, ${ref} + (${D.d(101, 86, x)} - 45) * ${DAY_MS})`;
    const doneAt = `${day("c.date_ms")} || 'T09:00:00.000Z'`;
    return `INSERT INTO reminders (id, tenant_id, client_id, date, message, assigned_to, done, done_at,
  created_at, updated_at, created_by, updated_by)
WITH r AS NOT MATERIALIZED (
  SELECT seed_tmp_c.*, ${dateMs} AS date_ms FROM seed_tmp_c WHERE ${
      D.d(100, 100, x)
    } < ${SHARE.reminder}
),
rc AS NOT MATERIALIZED (
  SELECT r.*, r.ms + ${HOUR} + ((min(r.date_ms, ${ref}) - r.ms - ${HOUR}) / 1000) * ${
      D.d(102, 1000, "r.x")
    } AS rem_created,
    r.date_ms < ${ref - 2 * DAY_MS} AND ${D.d(103, 4, "r.x")} <> 0 AS rem_done
  FROM r
)
SELECT ${this.id("reminders", "c.rem_created")}, c.tenant_id, c.client_id, ${day("c.date_ms")},
  ${this.pool("reminder", "0", D.d(104, POOL))}, CASE WHEN ${
      D.d(105, 10)
    } = 0 THEN NULL ELSE c.owner END,
  c.rem_done, CASE WHEN c.rem_done THEN ${doneAt} END, ${iso("c.rem_created")},
  CASE WHEN c.rem_done THEN ${doneAt} ELSE ${iso("c.rem_created")} END, c.owner, c.owner
FROM rc c`;
  }
}

/** The lookup tables and pools the statements read, as (name, columns, rows). */
function workTables(
  input: BulkInput,
): { name: string; columns: string[]; key: string; rows: unknown[][] }[] {
  const fakers = new Fakers();
  const locales = ["en_AU", ...ORIGINS.map((o) => o.locale)];
  fakers.reseed(input.seed, 0xb00c, input.clock.now, locales);
  const pool: unknown[][] = [];
  const fill = (kind: string, grp: number, values: string[], slugs?: string[]) => {
    for (let k = 0; k < POOL; k++) {
      const i = k % values.length;
      pool.push([kind, grp, k, values[i], slugs ? slugs[i] : slug(values[i]) || "x"]);
    }
  };
  const many = (n: number, make: () => string) => Array.from({ length: n }, make);
  const names: unknown[][] = [];
  ORIGINS.forEach((origin, o) => {
    const faker = fakers.of(origin.locale);
    const female = many(POOL, () => faker.person.firstName("female"));
    const male = many(POOL, () => faker.person.firstName("male"));
    const last = many(POOL, () => faker.person.lastName());
    for (let k = 0; k < NAMES; k++) {
      const [f, m, l] = [female[k % POOL], male[k % POOL], last[Math.floor(k / POOL) % POOL]];
      names.push([o, k, f, slug(f) || "client", m, slug(m) || "client", l, slug(l) || "client"]);
    }
    fill("employer", o, many(POOL, () => faker.company.name()));
    fill("school", o, many(8, () => `${faker.location.city()} Secondary School`));
    fill("uni", o, origin.universities);
  });
  fill("country", 0, ORIGINS.map((o) => o.country));
  const streets = fakers.of("en_AU");
  fill("street", 0, many(POOL, () => streets.location.street()));
  fill("mail", 0, FREE_MAIL);
  fill("field", 0, FIELDS_OF_STUDY);
  fill("occupation", 0, OCCUPATIONS);
  fill("grade", 0, ["First Class", "Second Class Upper", "GPA 3.2/4.0", "68%", "Distinction"]);
  (["call", "email", "meeting", "note"] as const).forEach((kind, i) =>
    fill("note", i, NOTE_TEMPLATES[kind])
  );
  fill(
    "task",
    0,
    CLIENT_TASKS.map((t) => t.title),
    CLIENT_TASKS.map((t) => JSON.stringify(t.tags)),
  );
  fill("reminder", 0, REMINDER_MESSAGES);
  APPLICATION_TYPES.forEach((type, a) => {
    fill("course", a, type.courses);
    MARKETS.forEach((market, m) => fill("inst", m * 4 + a, type.institutions(market)));
  });

  const t: unknown[][] = [];
  const b: unknown[][] = [];
  const ag: unknown[][] = [];
  const vt: unknown[][] = [];
  const at: unknown[][] = [];
  const st: unknown[][] = [];
  input.tenants.forEach((tenant, ti) => {
    t.push([ti, tenant.tenantId, tenant.market, tenant.currency, tenant.visaTypes.length]);
    tenant.branches.forEach((branch, bi) => {
      b.push([
        ti,
        bi,
        branch.id,
        branch.adminId,
        branch.consultantIds[0],
        branch.consultantIds[1],
        branch.agentIds.length,
        branch.suffix,
      ]);
      branch.agentIds.forEach((id, k) => ag.push([ti, bi, k, id]));
    });
    tenant.visaTypes.forEach((type, k) =>
      vt.push([ti, k, type.id, type.name, type.fee, type.grantYears, type.conditions])
    );
    tenant.applicationTypes.forEach((type, k) => {
      at.push([ti, k, type.id, type.stageIds.length]);
      type.stageIds.forEach((id, p) => st.push([ti, k, p + 1, id]));
    });
  });
  return [
    {
      name: "seed_tmp_t",
      columns: ["t", "tenant_id", "market", "currency", "vt_n"],
      key: "t",
      rows: t,
    },
    {
      name: "seed_tmp_b",
      columns: ["t", "b", "branch_id", "admin_id", "c1", "c2", "agent_n", "suffix"],
      key: "t, b",
      rows: b,
    },
    { name: "seed_tmp_ag", columns: ["t", "b", "k", "agent_id"], key: "t, b, k", rows: ag },
    {
      name: "seed_tmp_vt",
      columns: ["t", "k", "id", "name", "fee", "years", "conditions"],
      key: "t, k",
      rows: vt,
    },
    { name: "seed_tmp_at", columns: ["t", "k", "id", "stages"], key: "t, k", rows: at },
    { name: "seed_tmp_st", columns: ["t", "a", "pos", "id"], key: "t, a, pos", rows: st },
    {
      name: "seed_tmp_pool",
      columns: ["kind", "grp", "k", "v", "slug"],
      key: "kind, grp, k",
      rows: pool,
    },
    {
      name: "seed_tmp_names",
      columns: ["origin", "k", "ffirst", "fslug", "mfirst", "mslug", "last", "lslug"],
      key: "origin, k",
      rows: names,
    },
  ];
}

/**
 * The statements that create and fill the lookup tables (TEMP tables live on
 * the connection that runs them; see seedScaledClients in scaled-tables.ts).
 */
export function workTableStatements(
  input: BulkInput,
): { statements: Statement[]; names: string[] } {
  const tables = workTables(input);
  const statements: Statement[] = [];
  for (const table of tables) {
    statements.push({ sql: `DROP TABLE IF EXISTS temp.${table.name}` });
    statements.push({
      sql: `CREATE TEMP TABLE ${table.name} (${
        table.columns.join(", ")
      }, PRIMARY KEY (${table.key})) WITHOUT ROWID`,
    });
    const chunk = Math.floor(30_000 / table.columns.length);
    const tuple = `(${table.columns.map(() => "?").join(", ")})`;
    for (let i = 0; i < table.rows.length; i += chunk) {
      const rows = table.rows.slice(i, i + chunk);
      statements.push({
        sql: `INSERT INTO temp.${table.name} VALUES ${Array(rows.length).fill(tuple).join(", ")}`,
        args: rows.flat() as Statement["args"],
      });
    }
  }
  return { statements, names: tables.map((t) => t.name) };
}
