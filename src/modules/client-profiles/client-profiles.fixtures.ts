/**
 * Test fixtures shared by the client-profiles tests: one valid body, one edit and
 * some refused bodies per sub-resource, and the clients they hang off.
 * @module
 */
import assert from "node:assert/strict";
import { call, type RequestOptions, type TestApp, type World } from "../../../tests/support.ts";

export type Row = Record<string, unknown>;

/** What the generic tests need to know about one sub-resource. */
export type RecordSpec = {
  path: string;
  table: string;
  entityType: string;
  /** A valid create body. */
  body: Row;
  /** A valid edit that changes one field. */
  edit: Row;
  /**
   * Create bodies that must be refused with 422, and the field each names;
   * `omits` marks those bad only for leaving a required field out (fine in a PATCH).
   */
  bad: { body: Row; field: string; omits?: true }[];
  /** Its whitelisted ordering fields, and a create body putting `n` in each of them. */
  orderings: string[];
  ordered: (n: number) => Row;
};

const day = (n: number) => `2024-01-${String(n + 1).padStart(2, "0")}`;

export const RECORD_SPECS: RecordSpec[] = [
  {
    path: "passports",
    table: "client_passports",
    entityType: "client_passport",
    body: { passport_number: "pa1234567", country: "np", expiry_date: "2031-08-01" },
    edit: { notes: "Renewed in Kathmandu" },
    bad: [
      { body: { country: "NP" }, field: "passport_number", omits: true },
      { body: { passport_number: "X1", country: "NPL" }, field: "country" },
      {
        body: { passport_number: "X1", country: "NP", expiry_date: "2031-02-30" },
        field: "expiry_date",
      },
      {
        body: {
          passport_number: "X1",
          country: "NP",
          issue_date: "2031-01-01",
          expiry_date: "2030-01-01",
        },
        field: "expiry_date",
      },
      { body: { passport_number: "X1", country: "NP", is_current: "yes" }, field: "is_current" },
      { body: { passport_number: "X1", country: "NP", client_id: "x" }, field: "" },
    ],
    orderings: ["created_at", "expiry_date", "issue_date"],
    ordered: (n) => ({
      passport_number: `P${n}`,
      country: "NP",
      is_current: false,
      issue_date: n % 3 === 0 ? null : day(n % 4),
      expiry_date: n % 2 === 0 ? null : `2030-01-${String((n % 3) + 1).padStart(2, "0")}`,
    }),
  },
  {
    path: "qualifications",
    table: "client_qualifications",
    entityType: "client_qualification",
    body: { level: "bachelor", title: "Bachelor of Business Studies", institution: "TU" },
    edit: { grade: "First division" },
    bad: [
      { body: { level: "phd", title: "T", institution: "I" }, field: "level" },
      { body: { level: "master", institution: "I" }, field: "title", omits: true },
      { body: { level: "master", title: " ", institution: "I" }, field: "title" },
      {
        body: {
          level: "master",
          title: "T",
          institution: "I",
          start_date: "2020-02-01",
          completion_date: "2020-01-31",
        },
        field: "completion_date",
      },
      { body: { level: "master", title: "T", institution: "I", tenant_id: "x" }, field: "" },
    ],
    orderings: ["created_at", "completion_date", "start_date"],
    ordered: (n) => ({
      level: "diploma",
      title: `Diploma ${n}`,
      institution: "I",
      start_date: n % 2 === 0 ? null : day(n % 3),
      completion_date: n % 3 === 0 ? null : `2025-01-${String((n % 2) + 1).padStart(2, "0")}`,
    }),
  },
  {
    path: "proficiencies",
    table: "client_proficiencies",
    entityType: "client_proficiency",
    body: { test: "ielts_academic", overall: 7, listening: 7.5, test_date: "2025-11-15" },
    edit: { reference_number: "25NP001234" },
    bad: [
      {
        body: { test: "ielts_academic", overall: 7.25, test_date: "2025-11-15" },
        field: "overall",
      },
      { body: { test: "ielts_academic", overall: 7, test_date: "2025-13-01" }, field: "test_date" },
      { body: { test: "duolingo", overall: 120, test_date: "2025-11-15" }, field: "test" },
      { body: { test: "ielts_academic", overall: "7", test_date: "2025-11-15" }, field: "overall" },
      { body: { test: "ielts_academic", test_date: "2025-11-15" }, field: "overall", omits: true },
    ],
    orderings: ["created_at", "test_date", "overall"],
    ordered: (n) => ({ test: "pte_academic", overall: 50 + (n % 3), test_date: day(n % 4) }),
  },
  {
    path: "experiences",
    table: "client_experiences",
    entityType: "client_experience",
    body: { employer: "Himalayan Bank", position: "Accounts officer", start_date: "2020-08-01" },
    edit: { hours_per_week: 38 },
    bad: [
      { body: { employer: "E", position: "P" }, field: "start_date", omits: true },
      {
        body: { employer: "E", position: "P", start_date: "2020-01-02", end_date: "2020-01-01" },
        field: "end_date",
      },
      {
        body: { employer: "E", position: "P", start_date: "2020-01-02", hours_per_week: 200 },
        field: "hours_per_week",
      },
      {
        body: { employer: "E", position: "P", start_date: "2020-01-02", country: "Nepal" },
        field: "country",
      },
    ],
    orderings: ["created_at", "start_date", "end_date"],
    ordered: (n) => ({
      employer: `E${n}`,
      position: "P",
      start_date: day(n % 3),
      end_date: n % 2 === 0 ? null : `2025-01-${String((n % 4) + 1).padStart(2, "0")}`,
    }),
  },
  {
    path: "lpes",
    table: "client_lpes",
    entityType: "client_lpe",
    body: { evidence_type: "english_study", title: "Five years of study in English" },
    edit: { is_verified: true },
    bad: [
      { body: { evidence_type: "letter", title: "T" }, field: "evidence_type" },
      { body: { evidence_type: "other" }, field: "title", omits: true },
      {
        body: {
          evidence_type: "other",
          title: "T",
          issue_date: "2025-01-02",
          expiry_date: "2025-01-01",
        },
        field: "expiry_date",
      },
      { body: { evidence_type: "other", title: "T", proficiency_id: "" }, field: "proficiency_id" },
    ],
    orderings: ["created_at", "issue_date", "expiry_date"],
    ordered: (n) => ({
      evidence_type: "other",
      title: `Evidence ${n}`,
      issue_date: n % 3 === 0 ? null : day(n % 2),
      expiry_date: n % 2 === 0 ? null : `2027-01-${String((n % 3) + 1).padStart(2, "0")}`,
    }),
  },
  {
    path: "notes",
    table: "client_notes",
    entityType: "client_note",
    body: { kind: "call", body: "Called about the COE." },
    edit: { body: "Called about the COE; offer letter by Friday." },
    bad: [
      { body: { kind: "sms", body: "Hi" }, field: "kind" },
      { body: { kind: "note" }, field: "body", omits: true },
      { body: { body: "  " }, field: "body" },
      { body: { body: "Hi", at: "yesterday" }, field: "at" },
      { body: { body: "Hi", author_id: "0193c0de-0000-7000-8000-000000000001" }, field: "" },
    ],
    orderings: ["at", "created_at"],
    ordered: (n) => ({ body: `Note ${n}`, at: `${day(n % 3)}T09:00:00Z` }),
  },
];

/** The list URL of a client's records. */
export function recordsPath(clientId: unknown, spec: { path: string }): string {
  return `/api/v1/clients/${clientId}/${spec.path}`;
}

/** Creates a record through the API, asserting 201. */
export async function addRecord(
  t: TestApp,
  options: RequestOptions,
  clientId: unknown,
  spec: RecordSpec,
  body: Row = spec.body,
): Promise<Row> {
  const res = await call(t, "POST", recordsPath(clientId, spec), { ...options, body });
  assert.equal(res.status, 201, `${spec.path}: ${res.text}`);
  return res.body;
}

/** Creates a client through the API, asserting 201. */
export async function addClient(t: TestApp, options: RequestOptions, body: Row = {}): Promise<Row> {
  const res = await call(t, "POST", "/api/v1/clients", {
    ...options,
    body: { first_name: "Asha", last_name: "Karki", ...body },
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** A client in each branch that matters: A1a (the A1 staff's), A1b, A2a and tenant B's B1a. */
export async function setUpClients(t: TestApp, w: World) {
  return {
    clientA: await addClient(t, { token: w.tokens.consultant }),
    clientA1b: await addClient(t, { token: w.tokens.consultantA1b }),
    clientA2a: await addClient(t, { token: w.tokens.consultantA2a }),
    clientB: await addClient(t, { token: w.tokens.consultantB }),
  };
}
