/**
 * The six client sub-resources: passports, qualifications, language
 * proficiencies, work experiences, LPE records and notes. Each is a table, its
 * schemas, ordering and filters, and the rules only it has; the generic
 * selectors, services and routes do the rest.
 * @module
 */
import { and, eq, gte, isNotNull, isNull, lte, ne, sql } from "drizzle-orm";
import { auditStatement, changedFields } from "../../audit/audit.ts";
import { type BatchStep, guard } from "../../db/batch.ts";
import {
  client_experiences,
  client_lpes,
  client_notes,
  client_passports,
  client_proficiencies,
  client_qualifications,
  clients,
} from "../../db/schema/index.ts";
import { ApiError, forbidden, invalidField, notFound } from "../../lib/errors.ts";
import { matchesSearch } from "../../lib/search.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import {
  defineProfileResource,
  requireDateOrder,
  type WriteContext,
} from "./client-profiles.resource.ts";
import {
  ClientExperiencePageSchema,
  ClientExperienceSchema,
  ClientLpePageSchema,
  ClientLpeSchema,
  ClientNotePageSchema,
  ClientNoteSchema,
  type ClientPassport,
  ClientPassportPageSchema,
  ClientPassportSchema,
  ClientProficiencyPageSchema,
  ClientProficiencySchema,
  ClientQualificationPageSchema,
  ClientQualificationSchema,
  CreateClientExperienceSchema,
  CreateClientLpeSchema,
  CreateClientNoteSchema,
  CreateClientPassportSchema,
  CreateClientProficiencySchema,
  CreateClientQualificationSchema,
  ListClientExperiencesQuerySchema,
  ListClientLpesQuerySchema,
  ListClientNotesQuerySchema,
  ListClientPassportsQuerySchema,
  ListClientProficienciesQuerySchema,
  ListClientQualificationsQuerySchema,
  UpdateClientExperienceSchema,
  UpdateClientLpeSchema,
  UpdateClientNoteSchema,
  UpdateClientPassportSchema,
  UpdateClientProficiencySchema,
  UpdateClientQualificationSchema,
} from "./client-profiles.schemas.ts";
import { requireValidScores } from "./client-profiles.scores.ts";
import { getRecordOfClient } from "./client-profiles.selectors.ts";

const PROFILE_TAG = "Client profiles";

// ---- Passports ----------------------------------------------------------------

/**
 * Always true, but it shows SQLite (planning without ANALYZE statistics) that
 * client_passports_client_idx serves two terms of a client's query, so that
 * index wins over client_passports_tenant_number_idx, which would read every
 * passport of the tenant.
 */
const viaClientIndex = gte(client_passports.created_at, "");

/**
 * A passport that becomes current (new, switched on, or its number or expiry
 * changed while current) turns the client's other passports off and is copied
 * onto the client, each change with its audit entry. The other passports are
 * switched off by condition, not by the ids read, so two racing writes still
 * leave one current passport.
 */
async function makeCurrentPassport(
  ctx: WriteContext,
  after: ClientPassport,
  before: ClientPassport | null,
): Promise<BatchStep[]> {
  const becomesCurrent = after.is_current &&
    (before === null || !before.is_current ||
      before.passport_number !== after.passport_number ||
      before.expiry_date !== after.expiry_date);
  if (!becomesCurrent) return [];
  const { db, scope, meta, client } = ctx;
  const t = client_passports;
  const stamp = { updated_at: meta.now.toISOString(), updated_by: scope.actor.userId };
  const others = and(
    eq(t.client_id, client.id),
    viaClientIndex,
    eq(t.is_current, true),
    ne(t.id, after.id),
  );
  const current = await db.select({ id: t.id }).from(t).where(
    and(clientRowsInScope(scope, t, db), others),
  );
  const steps: BatchStep[] = [];
  if (current.length > 0) {
    steps.push(db.update(t).set({ is_current: false, ...stamp }).where(others));
    for (const { id } of current) {
      steps.push(auditStatement(db, scope.actor, meta, {
        tenantId: scope.tenantId,
        action: "update",
        entityType: "client_passport",
        entityId: id,
        before: { is_current: true },
        after: { is_current: false },
      }));
    }
  }
  const copied = {
    passport_number: after.passport_number,
    passport_expiry_date: after.expiry_date,
  };
  const diff = changedFields(client, { ...client, ...copied });
  if (Object.keys(diff.after).length > 0) {
    steps.push(
      db.update(clients).set({ ...copied, ...stamp }).where(eq(clients.id, client.id)),
      auditStatement(db, scope.actor, meta, {
        tenantId: scope.tenantId,
        action: "update",
        entityType: "client",
        entityId: client.id,
        ...diff,
      }),
    );
  }
  return steps;
}

/** A client's passports. */
export const passportsResource = defineProfileResource({
  path: "passports",
  noun: { one: "passport", many: "passports" },
  entityType: "client_passport",
  tag: PROFILE_TAG,
  table: client_passports,
  schemas: {
    row: ClientPassportSchema,
    page: ClientPassportPageSchema,
    create: CreateClientPassportSchema,
    update: UpdateClientPassportSchema,
    query: ListClientPassportsQuerySchema,
  },
  ordering: {
    columns: {
      created_at: client_passports.created_at,
      expiry_date: client_passports.expiry_date,
      issue_date: client_passports.issue_date,
    },
    id: client_passports.id,
    default: "-created_at",
  },
  filters: (q) => [
    viaClientIndex,
    q.is_current === undefined ? undefined : eq(client_passports.is_current, q.is_current),
    q.country ? eq(client_passports.country, q.country) : undefined,
    matchesSearch(q.search, [client_passports.passport_number]),
  ],
  build: (input, base) => ({
    ...base,
    passport_number: input.passport_number,
    country: input.country,
    issue_date: input.issue_date ?? null,
    expiry_date: input.expiry_date ?? null,
    is_current: input.is_current ?? true,
    notes: input.notes ?? "",
  }),
  check: (_ctx, after, before) => requireDateOrder(after, before, "issue_date", "expiry_date"),
  effects: makeCurrentPassport,
  docs: {
    create: "A current passport (the default) makes the client's other passports not current " +
      "and is copied onto the client's passport_number and passport_expiry_date.",
    update: "Making a passport current, or changing the number or expiry of the current one, " +
      "copies it onto the client and makes the others not current.",
    remove: "Never changes the client, even when the current passport is deleted.",
  },
});

// ---- Qualifications -----------------------------------------------------------

/** A client's education. */
export const qualificationsResource = defineProfileResource({
  path: "qualifications",
  noun: { one: "qualification", many: "qualifications" },
  entityType: "client_qualification",
  tag: PROFILE_TAG,
  table: client_qualifications,
  schemas: {
    row: ClientQualificationSchema,
    page: ClientQualificationPageSchema,
    create: CreateClientQualificationSchema,
    update: UpdateClientQualificationSchema,
    query: ListClientQualificationsQuerySchema,
  },
  ordering: {
    columns: {
      created_at: client_qualifications.created_at,
      completion_date: client_qualifications.completion_date,
      start_date: client_qualifications.start_date,
    },
    id: client_qualifications.id,
    default: "-created_at",
  },
  filters: (q) => [
    q.level ? eq(client_qualifications.level, q.level) : undefined,
    q.country ? eq(client_qualifications.country, q.country) : undefined,
    matchesSearch(q.search, [
      client_qualifications.title,
      client_qualifications.institution,
      client_qualifications.field_of_study,
    ]),
  ],
  build: (input, base) => ({
    ...base,
    level: input.level,
    title: input.title,
    institution: input.institution,
    country: input.country ?? null,
    field_of_study: input.field_of_study ?? "",
    start_date: input.start_date ?? null,
    completion_date: input.completion_date ?? null,
    grade: input.grade ?? "",
  }),
  check: (_ctx, after, before) => requireDateOrder(after, before, "start_date", "completion_date"),
});

// ---- Language proficiencies ---------------------------------------------------

/** A client's language test results. */
export const proficienciesResource = defineProfileResource({
  path: "proficiencies",
  noun: { one: "language proficiency", many: "language proficiencies" },
  entityType: "client_proficiency",
  tag: PROFILE_TAG,
  table: client_proficiencies,
  schemas: {
    row: ClientProficiencySchema,
    page: ClientProficiencyPageSchema,
    create: CreateClientProficiencySchema,
    update: UpdateClientProficiencySchema,
    query: ListClientProficienciesQuerySchema,
  },
  ordering: {
    columns: {
      created_at: client_proficiencies.created_at,
      test_date: client_proficiencies.test_date,
      overall: client_proficiencies.overall,
    },
    id: client_proficiencies.id,
    default: "-created_at",
  },
  filters: (q) => [
    q.test ? eq(client_proficiencies.test, q.test) : undefined,
    q.test_date_after ? gte(client_proficiencies.test_date, q.test_date_after) : undefined,
    q.test_date_before ? lte(client_proficiencies.test_date, q.test_date_before) : undefined,
    matchesSearch(q.search, [client_proficiencies.reference_number]),
  ],
  build: (input, base) => ({
    ...base,
    test: input.test,
    overall: input.overall,
    listening: input.listening ?? null,
    reading: input.reading ?? null,
    writing: input.writing ?? null,
    speaking: input.speaking ?? null,
    test_date: input.test_date,
    reference_number: input.reference_number ?? null,
  }),
  check: (_ctx, after) => requireValidScores(after),
  // An LPE record citing the result would be left pointing at nothing.
  deleteGuards: (ctx, row) => [
    guard(
      sql`NOT EXISTS (SELECT 1 FROM ${client_lpes} WHERE ${client_lpes.client_id} = ${ctx.client.id} AND ${client_lpes.proficiency_id} = ${row.id})`,
      new ApiError(
        409,
        "in_use",
        "LPE records cite this proficiency; unlink or delete them first.",
      ),
    ),
  ],
  docs: { remove: "409 `in_use` while an LPE record cites it." },
});

// ---- Work experiences ---------------------------------------------------------

/** A client's employment history. */
export const experiencesResource = defineProfileResource({
  path: "experiences",
  noun: { one: "work experience", many: "work experiences" },
  entityType: "client_experience",
  tag: PROFILE_TAG,
  table: client_experiences,
  schemas: {
    row: ClientExperienceSchema,
    page: ClientExperiencePageSchema,
    create: CreateClientExperienceSchema,
    update: UpdateClientExperienceSchema,
    query: ListClientExperiencesQuerySchema,
  },
  ordering: {
    columns: {
      created_at: client_experiences.created_at,
      start_date: client_experiences.start_date,
      end_date: client_experiences.end_date,
    },
    id: client_experiences.id,
    default: "-created_at",
  },
  filters: (q) => [
    q.country ? eq(client_experiences.country, q.country) : undefined,
    q.ongoing === undefined
      ? undefined
      : q.ongoing
      ? isNull(client_experiences.end_date)
      : isNotNull(client_experiences.end_date),
    matchesSearch(q.search, [client_experiences.employer, client_experiences.position]),
  ],
  build: (input, base) => ({
    ...base,
    employer: input.employer,
    position: input.position,
    country: input.country ?? null,
    start_date: input.start_date,
    end_date: input.end_date ?? null,
    hours_per_week: input.hours_per_week ?? null,
    description: input.description ?? "",
  }),
  check: (_ctx, after, before) => requireDateOrder(after, before, "start_date", "end_date"),
});

// ---- LPE records --------------------------------------------------------------

/** True when a write points the record at a proficiency it did not cite before. */
function citesNewProficiency(
  after: { proficiency_id: string | null },
  before: { proficiency_id: string | null } | null,
): after is { proficiency_id: string } {
  return after.proficiency_id !== null && after.proficiency_id !== before?.proficiency_id;
}

/** A client's language proficiency evidence documents. */
export const lpesResource = defineProfileResource({
  path: "lpes",
  noun: { one: "LPE record", many: "LPE records" },
  entityType: "client_lpe",
  tag: PROFILE_TAG,
  table: client_lpes,
  schemas: {
    row: ClientLpeSchema,
    page: ClientLpePageSchema,
    create: CreateClientLpeSchema,
    update: UpdateClientLpeSchema,
    query: ListClientLpesQuerySchema,
  },
  ordering: {
    columns: {
      created_at: client_lpes.created_at,
      issue_date: client_lpes.issue_date,
      expiry_date: client_lpes.expiry_date,
    },
    id: client_lpes.id,
    default: "-created_at",
  },
  filters: (q) => [
    q.evidence_type ? eq(client_lpes.evidence_type, q.evidence_type) : undefined,
    q.is_verified === undefined ? undefined : eq(client_lpes.is_verified, q.is_verified),
    q.proficiency_id ? eq(client_lpes.proficiency_id, q.proficiency_id) : undefined,
    matchesSearch(q.search, [client_lpes.title, client_lpes.issued_by]),
  ],
  build: (input, base) => ({
    ...base,
    evidence_type: input.evidence_type,
    title: input.title,
    issued_by: input.issued_by ?? "",
    issue_date: input.issue_date ?? null,
    expiry_date: input.expiry_date ?? null,
    proficiency_id: input.proficiency_id ?? null,
    is_verified: input.is_verified ?? false,
    notes: input.notes ?? "",
  }),
  check: async (ctx, after, before) => {
    requireDateOrder(after, before, "issue_date", "expiry_date");
    if (citesNewProficiency(after, before)) {
      await getRecordOfClient(
        ctx.db,
        ctx.scope,
        proficienciesResource,
        ctx.client,
        after.proficiency_id,
      );
    }
  },
  guards: (ctx, after, before) =>
    citesNewProficiency(after, before)
      ? [guard(
        sql`EXISTS (SELECT 1 FROM ${client_proficiencies} WHERE ${client_proficiencies.id} = ${after.proficiency_id} AND ${client_proficiencies.client_id} = ${ctx.client.id})`,
        notFound("Language proficiency"),
      )]
      : [],
});

// ---- Notes --------------------------------------------------------------------

/** A client's timeline of staff notes, calls, emails and meetings. */
export const notesResource = defineProfileResource({
  path: "notes",
  noun: { one: "note", many: "notes" },
  entityType: "client_note",
  tag: "Client notes",
  table: client_notes,
  schemas: {
    row: ClientNoteSchema,
    page: ClientNotePageSchema,
    create: CreateClientNoteSchema,
    update: UpdateClientNoteSchema,
    query: ListClientNotesQuerySchema,
  },
  ordering: {
    columns: { at: client_notes.at, created_at: client_notes.created_at },
    id: client_notes.id,
    default: "-at",
  },
  filters: (q) => [
    q.kind ? eq(client_notes.kind, q.kind) : undefined,
    q.author_id ? eq(client_notes.author_id, q.author_id) : undefined,
    q.at_after ? gte(client_notes.at, q.at_after) : undefined,
    q.at_before ? lte(client_notes.at, q.at_before) : undefined,
    matchesSearch(q.search, [client_notes.body]),
  ],
  build: (input, base, ctx) => ({
    ...base,
    kind: input.kind ?? "note",
    body: input.body,
    author_id: ctx.scope.actor.userId,
    at: input.at ?? base.created_at,
  }),
  check: (ctx, after) => {
    if (after.at > ctx.meta.now.toISOString()) {
      throw invalidField("at", "at cannot be in the future.");
    }
  },
  mayEdit: (scope, row) => {
    if (row.author_id !== scope.actor.userId) {
      throw forbidden("Only the note's author may edit it.");
    }
  },
  docs: {
    list: "Newest first (`-at`) by default.",
    update: "Only the note's author (403 for anyone else, managers included).",
    remove: "branch_admin and up delete any note in scope.",
  },
});
