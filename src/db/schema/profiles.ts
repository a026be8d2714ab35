/**
 * A client's profile records and notes timeline: each row belongs to one client
 * and is visible exactly when that client is (SPEC §3).
 * @module
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { idColumn, lifecycleColumns } from "./columns.ts";
import { clients } from "./crm.ts";
import { tenants, users } from "./tenancy.ts";

/** The columns every client child row starts with. */
const clientChildColumns = () => ({
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  client_id: text("client_id").notNull().references(() => clients.id),
});

export const client_passports = sqliteTable("client_passports", {
  ...clientChildColumns(),
  passport_number: text("passport_number").notNull(),
  country: text("country").notNull(),
  issue_date: text("issue_date"),
  expiry_date: text("expiry_date"),
  is_current: integer("is_current", { mode: "boolean" }).notNull().default(true),
  notes: text("notes").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [
  index("client_passports_client_idx").on(t.client_id, t.created_at, t.id),
  index("client_passports_tenant_number_idx").on(t.tenant_id, t.passport_number),
]);

export const QUALIFICATION_LEVELS = [
  "secondary",
  "certificate",
  "diploma",
  "advanced_diploma",
  "bachelor",
  "graduate_diploma",
  "master",
  "doctorate",
  "other",
] as const;

export const client_qualifications = sqliteTable("client_qualifications", {
  ...clientChildColumns(),
  level: text("level", { enum: QUALIFICATION_LEVELS }).notNull(),
  title: text("title").notNull(),
  institution: text("institution").notNull(),
  country: text("country"),
  field_of_study: text("field_of_study").notNull().default(""),
  start_date: text("start_date"),
  completion_date: text("completion_date"),
  grade: text("grade").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [index("client_qualifications_client_idx").on(t.client_id, t.created_at, t.id)]);

export const LANGUAGE_TESTS = [
  "ielts_academic",
  "ielts_general",
  "pte_academic",
  "toefl_ibt",
  "cambridge_c1",
  "oet",
  "other",
] as const;

export const client_proficiencies = sqliteTable("client_proficiencies", {
  ...clientChildColumns(),
  test: text("test", { enum: LANGUAGE_TESTS }).notNull(),
  overall: real("overall").notNull(),
  listening: real("listening"),
  reading: real("reading"),
  writing: real("writing"),
  speaking: real("speaking"),
  test_date: text("test_date").notNull(),
  reference_number: text("reference_number"),
  ...lifecycleColumns(),
}, (t) => [index("client_proficiencies_client_idx").on(t.client_id, t.created_at, t.id)]);

export const client_experiences = sqliteTable("client_experiences", {
  ...clientChildColumns(),
  employer: text("employer").notNull(),
  position: text("position").notNull(),
  country: text("country"),
  start_date: text("start_date").notNull(),
  end_date: text("end_date"),
  hours_per_week: real("hours_per_week"),
  description: text("description").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [index("client_experiences_client_idx").on(t.client_id, t.created_at, t.id)]);

export const LPE_EVIDENCE_TYPES = [
  "test_report",
  "english_study",
  "passport_country",
  "employer_letter",
  "other",
] as const;

/** Language proficiency evidence: the document that backs a client's English claim. */
export const client_lpes = sqliteTable("client_lpes", {
  ...clientChildColumns(),
  evidence_type: text("evidence_type", { enum: LPE_EVIDENCE_TYPES }).notNull(),
  title: text("title").notNull(),
  issued_by: text("issued_by").notNull().default(""),
  issue_date: text("issue_date"),
  expiry_date: text("expiry_date"),
  proficiency_id: text("proficiency_id").references(() => client_proficiencies.id),
  is_verified: integer("is_verified", { mode: "boolean" }).notNull().default(false),
  notes: text("notes").notNull().default(""),
  ...lifecycleColumns(),
}, (t) => [index("client_lpes_client_idx").on(t.client_id, t.created_at, t.id)]);

export const CLIENT_NOTE_KINDS = ["note", "call", "email", "meeting"] as const;

/** The timeline of staff notes, calls, emails and meetings on a client. */
export const client_notes = sqliteTable("client_notes", {
  ...clientChildColumns(),
  kind: text("kind", { enum: CLIENT_NOTE_KINDS }).notNull().default("note"),
  body: text("body").notNull(),
  author_id: text("author_id").notNull().references(() => users.id),
  at: text("at").notNull(),
  ...lifecycleColumns(),
}, (t) => [index("client_notes_client_at_idx").on(t.client_id, t.at, t.id)]);
