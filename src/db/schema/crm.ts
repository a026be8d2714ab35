/**
 * The agency's daily records: referral agents and clients.
 * @module
 */
import { type SQL, sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";
import { rowJsonSql } from "../row-columns.ts";
import { idColumn, lifecycleColumns, softDeleteColumns } from "./columns.ts";
import { branches, tenants, users } from "./tenancy.ts";

export const GENDERS = ["female", "male", "other", "unspecified"] as const;
export const CLIENT_STATUSES = [
  "lead",
  "prospect",
  "active",
  "on_hold",
  "completed",
  "lost",
] as const;
export const LEAD_SOURCES = ["walk_in", "referral", "agent", "website", "social", "other"] as const;

/** A referral partner; with no branch it is tenant-wide (SPEC §2). */
export const agents = sqliteTable("agents", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  branch_id: text("branch_id").references(() => branches.id),
  name: text("name").notNull(),
  company: text("company").notNull().default(""),
  email: text("email"),
  phone: text("phone").notNull().default(""),
  commission_percent: real("commission_percent").notNull().default(0),
  ...lifecycleColumns(),
  ...softDeleteColumns(),
}, (t) => [
  index("agents_tenant_created_idx").on(t.tenant_id, t.deleted_at, t.created_at, t.id),
  index("agents_branch_idx").on(t.branch_id, t.deleted_at, t.created_at),
]);

/**
 * The fields `search=` looks in, as one text: one LIKE on one indexed value
 * instead of five. Unit separators (U+001F) keep a term within one field unless it
 * holds one itself (clients.schemas.ts refuses such a term). VIRTUAL, so adding it
 * rewrote no row; an index holds its value. drizzle-kit 0.31 copies generated
 * columns when a migration rebuilds a table (drizzle-orm#5241): a migration that
 * rebuilds clients must leave search_text and row_json out of its INSERT … SELECT
 * by hand (0017 is such a rebuild, written by hand). A migration that changes
 * this text, or rebuilds clients (dropping its triggers), must also move every
 * agency's `clients` counter: the in-memory search copies (client-search.ts) hold
 * the old texts until it moves.
 */
const SEARCH_TEXT = sql.raw(
  ["first_name", "last_name", "email", "phone", "passport_number"]
    .map((name) => `coalesce("${name}", '')`).join(" || char(31) || "),
);

export const clients = sqliteTable("clients", {
  id: idColumn(),
  tenant_id: text("tenant_id").notNull().references(() => tenants.id),
  branch_id: text("branch_id").notNull().references(() => branches.id),
  assigned_to: text("assigned_to").references((): AnySQLiteColumn => users.id),
  agent_id: text("agent_id").references(() => agents.id),
  first_name: text("first_name").notNull(),
  last_name: text("last_name").notNull(),
  email: text("email"),
  phone: text("phone").notNull().default(""),
  date_of_birth: text("date_of_birth"),
  gender: text("gender", { enum: GENDERS }).notNull().default("unspecified"),
  nationality: text("nationality"),
  passport_number: text("passport_number"),
  passport_expiry_date: text("passport_expiry_date"),
  current_visa: text("current_visa"),
  visa_expiry_date: text("visa_expiry_date"),
  address: text("address").notNull().default(""),
  notes: text("notes").notNull().default(""),
  status: text("status", { enum: CLIENT_STATUSES }).notNull().default("lead"),
  lead_source: text("lead_source", { enum: LEAD_SOURCES }).notNull().default("walk_in"),
  ...lifecycleColumns(),
  ...softDeleteColumns(),
  search_text: text("search_text").generatedAlwaysAs(SEARCH_TEXT, { mode: "virtual" }),
  /**
   * The row as a list or detail answers it (row-columns.ts), kept by SQLite with
   * every write. json_object over the 26 columns was 81 of a page's ~100 µs in
   * SQLite; a page now reads 25 stored texts (19 µs). STORED, so adding it rebuilt
   * the table (migration 0017; drizzle-kit 0.31 neither adds such a column nor
   * records it in its snapshot: 0017's snapshot has it by hand). The expression
   * here follows the columns above, but the database keeps the one its migration
   * wrote: a column added to clients needs a migration that rebuilds the table
   * with the new expression. json-rows.test.ts compares these texts with
   * drizzle's rows key for key.
   */
  row_json: text("row_json").generatedAlwaysAs((): SQL => sql.raw(rowJsonSql(clients, false)), {
    mode: "stored",
  }),
}, (t) => [
  // The two scope indexes (a tenant's clients; a branch's, which a region's are a
  // few of) also carry what `search=` and `status=` test, so a search walks the
  // scope in the index alone and reads only the rows it answers. With no ANALYZE
  // statistics the planner takes the one whose equal columns the query names most
  // (a branch's over the tenant's).
  index("clients_tenant_created_idx").on(
    t.tenant_id,
    t.deleted_at,
    t.created_at,
    t.id,
    t.status,
    t.search_text,
  ),
  index("clients_tenant_branch_created_idx").on(
    t.tenant_id,
    t.branch_id,
    t.deleted_at,
    t.created_at,
    t.id,
    t.status,
    t.search_text,
  ),
  // `status=`, the list filter staff use most, with the scope equal before it: the
  // list walks only that status's clients, already in created order: a
  // consultant's `search=` with `status=active` walks 1,117 entries, not 2,614,
  // with one LIKE each, not five (575 → 220 µs in SQLite at 1 M clients).
  index("clients_tenant_status_idx").on(
    t.tenant_id,
    t.deleted_at,
    t.status,
    t.created_at,
    t.id,
    t.search_text,
  ),
  index("clients_tenant_branch_status_idx").on(
    t.tenant_id,
    t.branch_id,
    t.deleted_at,
    t.status,
    t.created_at,
    t.id,
    t.search_text,
  ),
  index("clients_tenant_assigned_idx").on(
    t.tenant_id,
    t.assigned_to,
    t.deleted_at,
    t.created_at,
    t.id,
  ),
  index("clients_tenant_visa_expiry_idx").on(t.tenant_id, t.visa_expiry_date),
  index("clients_tenant_passport_expiry_idx").on(t.tenant_id, t.passport_expiry_date),
  index("clients_tenant_last_name_idx").on(t.tenant_id, t.last_name, t.id),
  index("clients_tenant_updated_idx").on(t.tenant_id, t.deleted_at, t.updated_at, t.id),
  index("clients_agent_idx").on(t.agent_id),
]);

/**
 * How many clients each branch holds in each status, live (`deleted` 0) and
 * soft-deleted (1): a list's exact `count` for its scope and its status and
 * branch filters is a sum of a few of these rows instead of a walk over every
 * client in scope (10,345 index entries for a country_manager at a million
 * clients, 260 µs, on every list whose count is not cached, which is nearly
 * every list where agencies write). Kept by triggers on clients (migration
 * 0013) in the transaction of the write itself, so it is exact wherever the
 * write came from (another thread, process, instance or a replayed region log).
 * An `INSERT OR REPLACE` into clients would leave the replaced row counted (its
 * implicit delete fires no trigger unless `recursive_triggers` is on): none is written.
 */
export const client_counts = sqliteTable("client_counts", {
  tenant_id: text("tenant_id").notNull(),
  branch_id: text("branch_id").notNull(),
  status: text("status", { enum: CLIENT_STATUSES }).notNull(),
  deleted: integer("deleted").notNull(),
  n: integer("n").notNull(),
}, (t) => [primaryKey({ columns: [t.tenant_id, t.branch_id, t.status, t.deleted] })]);

/**
 * client_counts counted again from clients, for a bulk load that ran without the
 * triggers (the seed drops them with the indexes, as a per-row upsert would cost
 * a million statements). Migration 0013's first fill, but grouped in the order of
 * clients_tenant_branch_status_idx first, so only the few groups are sorted, not
 * every client (at a million clients ~4 s inside the seed). Every agency's
 * `clients` counter moves too, as the triggers would have moved it (migration 0016).
 */
export const RECOUNT_CLIENTS: readonly string[] = [
  "DELETE FROM client_counts",
  "INSERT INTO client_counts (tenant_id, branch_id, status, deleted, n) " +
  "SELECT tenant_id, branch_id, status, deleted, sum(n) FROM (" +
  "SELECT tenant_id, branch_id, status, deleted_at IS NOT NULL AS deleted, count(*) AS n " +
  "FROM clients GROUP BY tenant_id, branch_id, deleted_at, status) GROUP BY 1, 2, 3, 4",
  "INSERT INTO change_epochs (name, n) SELECT 'clients ' || id, 1 FROM tenants WHERE true " +
  "ON CONFLICT DO UPDATE SET n = n + 1",
];
