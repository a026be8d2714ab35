/**
 * Request and response schemas of a client's profile records (passports,
 * qualifications, language proficiencies, work experiences, LPE records) and of
 * its notes timeline. Rules that span fields (date order, scores per test, the
 * passport copied onto the client, note authorship) are stated in the
 * descriptions and enforced in client-profiles.resources.ts.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import {
  client_experiences,
  client_lpes,
  CLIENT_NOTE_KINDS,
  client_notes,
  client_passports,
  client_proficiencies,
  client_qualifications,
  LANGUAGE_TESTS,
  LPE_EVIDENCE_TYPES,
  QUALIFICATION_LEVELS,
} from "../../db/schema/index.ts";
import {
  calendarDate,
  countryCode,
  idRef,
  instant,
  longText,
  queryBoolean,
} from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

const owner = {
  tenant_id: "0193c0de-0000-7000-8000-000000000001",
  client_id: "0193c0de-0000-7000-8000-000000000020",
};
const stamps = {
  created_at: "2026-01-12T09:00:00.000Z",
  updated_at: "2026-01-12T09:00:00.000Z",
  created_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
  updated_by: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
};

/** The path of a client's list: `/clients/{client_id}/<records>`. */
export const ClientParamsSchema = z.object({
  client_id: z.string().openapi({
    param: { name: "client_id", in: "path" },
    example: "0193c0de-0000-7000-8000-000000000020",
  }),
});

/** The path of one record of a client: `/clients/{client_id}/<records>/{id}`. */
export const ClientItemParamsSchema = ClientParamsSchema.extend({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    example: "0193c0de-0000-7000-8000-000000000060",
  }),
});

const title = z.string().trim().min(1).max(200);
const shortText = z.string().trim().max(200);
const search = (what: string) =>
  z.string().max(100).optional().openapi({ description: `Matches ${what}.` });

// ---- Passports ----------------------------------------------------------------

export const ClientPassportSchema = createSelectSchema(client_passports).openapi("ClientPassport", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000060",
    ...owner,
    passport_number: "PA1234567",
    country: "NP",
    issue_date: "2021-08-02",
    expiry_date: "2031-08-01",
    is_current: true,
    notes: "",
    ...stamps,
  },
});
export type ClientPassport = z.infer<typeof ClientPassportSchema>;

const passportFields = {
  passport_number: z.string().trim().toUpperCase().min(1).max(20).openapi({
    example: "PA1234567",
  }),
  country: countryCode.openapi({ description: "Issuing country, ISO 3166 alpha-2." }),
  issue_date: calendarDate.nullable().optional().openapi({ example: "2021-08-02" }),
  expiry_date: calendarDate.nullable().optional().openapi({
    description: "On or after issue_date.",
    example: "2031-08-01",
  }),
  is_current: z.boolean().optional().openapi({
    description: "Default true. A current passport makes the client's other passports not " +
      "current, and its number and expiry are copied onto the client " +
      "(passport_number, passport_expiry_date) in the same write.",
  }),
  notes: longText().optional(),
};

export const CreateClientPassportSchema = z.object(passportFields).strict()
  .openapi("CreateClientPassport");
export const UpdateClientPassportSchema = z.object(passportFields).partial().strict()
  .openapi("UpdateClientPassport");

export const ListClientPassportsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["created_at", "expiry_date", "issue_date"]),
  is_current: queryBoolean.optional(),
  country: countryCode.optional(),
  search: search("the passport number"),
});
export const ClientPassportPageSchema = pageSchema(ClientPassportSchema, "ClientPassportPage");

// ---- Qualifications -----------------------------------------------------------

export const ClientQualificationSchema = createSelectSchema(client_qualifications).openapi(
  "ClientQualification",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000061",
      ...owner,
      level: "bachelor",
      title: "Bachelor of Business Studies",
      institution: "Tribhuvan University",
      country: "NP",
      field_of_study: "Accounting",
      start_date: "2016-09-01",
      completion_date: "2020-06-30",
      grade: "First division",
      ...stamps,
    },
  },
);
export type ClientQualification = z.infer<typeof ClientQualificationSchema>;

const qualificationFields = {
  level: z.enum(QUALIFICATION_LEVELS),
  title: title.openapi({ example: "Bachelor of Business Studies" }),
  institution: title.openapi({ example: "Tribhuvan University" }),
  country: countryCode.nullable().optional(),
  field_of_study: shortText.optional().openapi({ example: "Accounting" }),
  start_date: calendarDate.nullable().optional().openapi({ example: "2016-09-01" }),
  completion_date: calendarDate.nullable().optional().openapi({
    description: "On or after start_date; may lie ahead (expected completion).",
    example: "2020-06-30",
  }),
  grade: shortText.optional().openapi({ example: "First division" }),
};

export const CreateClientQualificationSchema = z.object(qualificationFields).strict()
  .openapi("CreateClientQualification");
export const UpdateClientQualificationSchema = z.object(qualificationFields).partial().strict()
  .openapi("UpdateClientQualification");

export const ListClientQualificationsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["created_at", "completion_date", "start_date"]),
  level: z.enum(QUALIFICATION_LEVELS).optional(),
  country: countryCode.optional(),
  search: search("title, institution or field of study"),
});
export const ClientQualificationPageSchema = pageSchema(
  ClientQualificationSchema,
  "ClientQualificationPage",
);

// ---- Language proficiencies ---------------------------------------------------

export const ClientProficiencySchema = createSelectSchema(client_proficiencies).openapi(
  "ClientProficiency",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000062",
      ...owner,
      test: "ielts_academic",
      overall: 7,
      listening: 7.5,
      reading: 7,
      writing: 6.5,
      speaking: 7,
      test_date: "2025-11-15",
      reference_number: "25NP001234KARA001A",
      ...stamps,
    },
  },
);
export type ClientProficiency = z.infer<typeof ClientProficiencySchema>;

const SCORES_RULE = "Scores must be valid for the test: IELTS (academic, general) overall and " +
  "bands 0–9 in steps of 0.5; PTE Academic 10–90, whole numbers; TOEFL iBT overall 0–120 " +
  "and bands 0–30, whole numbers; Cambridge C1 80–230 on the Cambridge English Scale, whole " +
  "numbers; OET 0–500, whole numbers; other 0–1000. A score outside its test's range is a " +
  "422 naming the field (also when an edit changes only the test).";

const score = z.number().openapi({ example: 7 });
const proficiencyFields = {
  test: z.enum(LANGUAGE_TESTS),
  overall: score,
  listening: score.nullable().optional(),
  reading: score.nullable().optional(),
  writing: score.nullable().optional(),
  speaking: score.nullable().optional(),
  test_date: calendarDate.openapi({ example: "2025-11-15" }),
  reference_number: z.string().trim().max(64).nullable().optional().openapi({
    description: "The test report form (TRF) or score report number.",
    example: "25NP001234KARA001A",
  }),
};

export const CreateClientProficiencySchema = z.object(proficiencyFields).strict()
  .openapi("CreateClientProficiency", { description: SCORES_RULE });
export const UpdateClientProficiencySchema = z.object(proficiencyFields).partial().strict()
  .openapi("UpdateClientProficiency", { description: SCORES_RULE });

export const ListClientProficienciesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["created_at", "test_date", "overall"]),
  test: z.enum(LANGUAGE_TESTS).optional(),
  test_date_after: calendarDate.optional().openapi({ description: "Taken on or after." }),
  test_date_before: calendarDate.optional().openapi({ description: "Taken on or before." }),
  search: search("the reference number"),
});
export const ClientProficiencyPageSchema = pageSchema(
  ClientProficiencySchema,
  "ClientProficiencyPage",
);

// ---- Work experiences ---------------------------------------------------------

export const ClientExperienceSchema = createSelectSchema(client_experiences).openapi(
  "ClientExperience",
  {
    example: {
      id: "0193c0de-0000-7000-8000-000000000063",
      ...owner,
      employer: "Himalayan Bank",
      position: "Accounts officer",
      country: "NP",
      start_date: "2020-08-01",
      end_date: null,
      hours_per_week: 40,
      description: "",
      ...stamps,
    },
  },
);
export type ClientExperience = z.infer<typeof ClientExperienceSchema>;

const experienceFields = {
  employer: title.openapi({ example: "Himalayan Bank" }),
  position: title.openapi({ example: "Accounts officer" }),
  country: countryCode.nullable().optional(),
  start_date: calendarDate.openapi({ example: "2020-08-01" }),
  end_date: calendarDate.nullable().optional().openapi({
    description: "On or after start_date; null while the job goes on.",
    example: null,
  }),
  hours_per_week: z.number().gt(0).max(168).nullable().optional().openapi({ example: 40 }),
  description: longText().optional(),
};

export const CreateClientExperienceSchema = z.object(experienceFields).strict()
  .openapi("CreateClientExperience");
export const UpdateClientExperienceSchema = z.object(experienceFields).partial().strict()
  .openapi("UpdateClientExperience");

export const ListClientExperiencesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["created_at", "start_date", "end_date"]),
  country: countryCode.optional(),
  ongoing: queryBoolean.optional().openapi({
    description: "true: jobs without an end_date; false: ended jobs.",
  }),
  search: search("employer or position"),
});
export const ClientExperiencePageSchema = pageSchema(
  ClientExperienceSchema,
  "ClientExperiencePage",
);

// ---- LPE records --------------------------------------------------------------

export const ClientLpeSchema = createSelectSchema(client_lpes).openapi("ClientLpe", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000064",
    ...owner,
    evidence_type: "test_report",
    title: "IELTS Academic test report form",
    issued_by: "IDP Nepal",
    issue_date: "2025-11-28",
    expiry_date: "2027-11-28",
    proficiency_id: "0193c0de-0000-7000-8000-000000000062",
    is_verified: true,
    notes: "",
    ...stamps,
  },
});
export type ClientLpe = z.infer<typeof ClientLpeSchema>;

const lpeFields = {
  evidence_type: z.enum(LPE_EVIDENCE_TYPES),
  title: title.openapi({ example: "IELTS Academic test report form" }),
  issued_by: shortText.optional().openapi({ example: "IDP Nepal" }),
  issue_date: calendarDate.nullable().optional().openapi({ example: "2025-11-28" }),
  expiry_date: calendarDate.nullable().optional().openapi({
    description: "On or after issue_date.",
    example: "2027-11-28",
  }),
  proficiency_id: idRef.nullable().optional().openapi({
    description: "A language proficiency of the same client that this document backs " +
      "(404 for any other).",
  }),
  is_verified: z.boolean().optional().openapi({ description: "Default false." }),
  notes: longText().optional(),
};

export const CreateClientLpeSchema = z.object(lpeFields).strict().openapi("CreateClientLpe");
export const UpdateClientLpeSchema = z.object(lpeFields).partial().strict()
  .openapi("UpdateClientLpe");

export const ListClientLpesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["created_at", "issue_date", "expiry_date"]),
  evidence_type: z.enum(LPE_EVIDENCE_TYPES).optional(),
  is_verified: queryBoolean.optional(),
  proficiency_id: z.string().optional(),
  search: search("title or issuer"),
});
export const ClientLpePageSchema = pageSchema(ClientLpeSchema, "ClientLpePage");

// ---- Notes --------------------------------------------------------------------

export const ClientNoteSchema = createSelectSchema(client_notes).openapi("ClientNote", {
  example: {
    id: "0193c0de-0000-7000-8000-000000000065",
    ...owner,
    kind: "call",
    body: "Called about the COE; she will send the offer letter by Friday.",
    author_id: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
    at: "2026-01-12T08:45:00.000Z",
    ...stamps,
  },
});
export type ClientNote = z.infer<typeof ClientNoteSchema>;

const noteFields = {
  kind: z.enum(CLIENT_NOTE_KINDS).optional().openapi({ description: "Default note." }),
  body: z.string().trim().min(1).max(10_000).openapi({
    example: "Called about the COE; she will send the offer letter by Friday.",
  }),
  at: instant.optional().openapi({
    description: "When it happened; default now. May be earlier (a call logged later), " +
      "never in the future (422). Stored as UTC.",
    example: "2026-01-12T08:45:00Z",
  }),
};

const NOTE_AUTHOR_RULE = "The author is the caller. Only the author edits a note (403 for " +
  "anyone else, managers included); branch_admin and up delete any note in scope.";

export const CreateClientNoteSchema = z.object(noteFields).strict()
  .openapi("CreateClientNote", { description: NOTE_AUTHOR_RULE });
export const UpdateClientNoteSchema = z.object(noteFields).partial().strict()
  .openapi("UpdateClientNote", { description: NOTE_AUTHOR_RULE });

export const ListClientNotesQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(["at", "created_at"]),
  kind: z.enum(CLIENT_NOTE_KINDS).optional(),
  author_id: z.string().optional(),
  at_after: instant.optional().openapi({ description: "At or after this instant." }),
  at_before: instant.optional().openapi({ description: "At or before this instant." }),
  search: search("the note's body"),
});
export const ClientNotePageSchema = pageSchema(ClientNoteSchema, "ClientNotePage");
