/**
 * What every seed builder works with: the tenant's seeded randomness, fakers,
 * clock and market, and the rows it makes. Rows are collected per tenant and
 * written as one atomic batch (SPEC §6); each row gets the `create` audit entry
 * the service that makes such rows would write, built by the same audit code.
 * @module
 */
import { base, en, Faker, type LocaleDefinition } from "@faker-js/faker";
import * as locales from "@faker-js/faker";
import { getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { type AuditEntry, type AuditMeta, auditRow, changedFields } from "../audit/audit.ts";
import { audit_logs, type Role } from "../db/schema/index.ts";
import type { NotificationDraft } from "../notifications/notify.ts";
import type { Market } from "./catalog.ts";
import { mixSeed, type SeedClock, SeedRandom } from "./random.ts";

/** Who did something in the seeded history (what the audit log records of an actor). */
export type SeedActor = { userId: string; role: Role };

export type Row = Record<string, unknown>;

/**
 * The audit entity type of a table's rows, as the services name them:
 * `clients` → `client`, `client_proficiencies` → `client_proficiency`.
 */
export function entityTypeOf(table: SQLiteTable): string {
  const name = getTableName(table);
  if (name.endsWith("ies")) return `${name.slice(0, -3)}y`;
  if (name.endsWith("ches")) return name.slice(0, -2);
  return name.slice(0, -1);
}

/** The rows of one atomic write, in foreign-key order (first table added, first written). */
export class SeedRows {
  readonly tables = new Map<SQLiteTable, Row[]>();

  constructor(private readonly meta: Omit<AuditMeta, "now">, private readonly rng: SeedRandom) {}

  /** Adds a row without an audit entry (notifications, audit rows themselves). */
  add<T extends SQLiteTable>(table: T, row: T["$inferInsert"]): T["$inferInsert"] {
    const rows = this.tables.get(table) ?? [];
    if (rows.length === 0) this.tables.set(table, rows);
    rows.push(row as Row);
    return row;
  }

  /** Adds an audit entry stamped at `atMs`, with a seeded id. */
  audit(actor: SeedActor | null, atMs: number, entry: AuditEntry): void {
    const meta = { ...this.meta, now: new Date(atMs) };
    this.add(audit_logs, auditRow(actor, meta, entry, this.rng.id(atMs)));
  }

  /**
   * Adds a row as its service creates it: the row, and a `create` entry by its
   * creator at its created_at carrying the whole row (secrets dropped by the
   * audit writer). A soft-deleted row was live when made, and its deletion is
   * logged after, as the delete endpoint would.
   */
  created<T extends SQLiteTable>(
    table: T,
    row: T["$inferInsert"] & { id: string; created_at: string },
    actor: SeedActor | null,
  ): T["$inferInsert"] {
    this.add(table, row);
    const values = row as Row;
    const tenantId = (values.tenant_id as string | null | undefined) ??
      (getTableName(table) === "tenants" ? row.id : null);
    const entityType = entityTypeOf(table);
    const deletedAt = values.deleted_at as string | null | undefined;
    // A copy: later seeded changes to the row are logged as updates, not rewritten here.
    const after = deletedAt ? { ...values, deleted_at: null, deleted_by: null } : { ...values };
    this.audit(actor, Date.parse(row.created_at), {
      tenantId,
      action: "create",
      entityType,
      entityId: row.id,
      after,
    });
    if (deletedAt) {
      this.audit(this.deleter(values), Date.parse(deletedAt), {
        tenantId,
        action: "delete",
        entityType,
        entityId: row.id,
        before: { deleted_at: null },
        after: { deleted_at: deletedAt },
      });
    }
    return row;
  }

  /**
   * Changes a row already added, as its update endpoint would: the changes and
   * the stamps land on the row, and an `update` entry records the changed fields.
   */
  updated<T extends SQLiteTable>(
    table: T,
    row: T["$inferInsert"] & { id: string },
    changes: Partial<T["$inferInsert"]>,
    actor: SeedActor,
    atMs: number,
  ): void {
    const values = row as Row;
    const before = { ...values };
    Object.assign(values, changes, {
      updated_at: new Date(atMs).toISOString(),
      updated_by: actor.userId,
    });
    const diff = changedFields(before, values);
    if (Object.keys(diff.after).length === 0) return;
    this.audit(actor, atMs, {
      tenantId: values.tenant_id as string,
      action: "update",
      entityType: entityTypeOf(table),
      entityId: row.id,
      ...diff,
    });
  }

  /** Set by the tenant builder: who a deleted_by id is. */
  deleter: (row: Row) => SeedActor | null = () => null;

  /** Row counts per table name. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [table, rows] of this.tables) counts[getTableName(table)] = rows.length;
    return counts;
  }
}

/** A trigger notification waiting for its per-recipient `seq`, with when it happened. */
export type PendingNotification = { draft: NotificationDraft; atMs: number; completed: boolean };

const LOCALES = locales as unknown as Record<string, LocaleDefinition>;

/** One faker per locale, reseeded per tenant so a tenant's data never depends on another's. */
export class Fakers {
  readonly #byLocale = new Map<string, Faker>();

  /** The faker of a locale (with English and base data behind it). */
  of(locale: string): Faker {
    let faker = this.#byLocale.get(locale);
    if (!faker) {
      const definition = LOCALES[locale];
      if (!definition) throw new Error(`No faker locale ${locale}`);
      faker = new Faker({ locale: [definition, en, base] });
      this.#byLocale.set(locale, faker);
    }
    return faker;
  }

  /** Reseeds every locale's faker for one stream (a tenant, the pools). */
  reseed(seed: number, stream: number, refDate: Date, locales: readonly string[]): void {
    locales.forEach((locale, i) => {
      const faker = this.of(locale);
      faker.seed(mixSeed(seed, stream, i));
      // Faker's date helpers count from "now" unless told: the seed's now is fixed.
      faker.setDefaultRefDate(refDate);
    });
  }
}

/** Everything a builder needs for one tenant. */
export type TenantContext = {
  /** 1-based tenant number: logins are `…@t<no>.leopard.test`. */
  no: number;
  seed: number;
  rng: SeedRandom;
  clock: SeedClock;
  fakers: Fakers;
  market: Market;
  rows: SeedRows;
  notifications: PendingNotification[];
  /** The bytes of the seeded documents, stored after the tenant's rows. */
  files: { key: string; bytes: Uint8Array; type: string }[];
  /** The one scrypt hash every seeded staff login shares (hashed once per run). */
  staffPasswordHash: string;
  platformAdmin: SeedActor;
};

/** The audit stamp of seeded rows: a request id that says where they came from. */
export const SEED_REQUEST = { requestId: "seed", ip: "127.0.0.1" } as const;

/** A fresh tenant context; its randomness depends only on (seed, tenant number). */
export function tenantContext(
  shared: Omit<TenantContext, "no" | "rng" | "market" | "rows" | "notifications" | "files">,
  no: number,
  markets: readonly Market[],
  locales: readonly string[],
): TenantContext {
  const rng = new SeedRandom(mixSeed(shared.seed, no));
  shared.fakers.reseed(shared.seed, no, shared.clock.now, locales);
  return {
    ...shared,
    no,
    rng,
    market: markets[(no - 1) % markets.length],
    rows: new SeedRows(SEED_REQUEST, rng),
    notifications: [],
    files: [],
  };
}
