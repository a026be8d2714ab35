/**
 * The append-only audit log.
 * @module
 */
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const audit_logs = sqliteTable("audit_logs", {
  id: text("id").primaryKey(),
  tenant_id: text("tenant_id"),
  actor_id: text("actor_id"),
  actor_role: text("actor_role"),
  action: text("action").notNull(),
  entity_type: text("entity_type").notNull(),
  entity_id: text("entity_id"),
  before: text("before", { mode: "json" }).$type<Record<string, unknown> | null>(),
  after: text("after", { mode: "json" }).$type<Record<string, unknown> | null>(),
  request_id: text("request_id"),
  ip: text("ip"),
  at: text("at").notNull(),
}, (t) => [
  index("audit_logs_tenant_at_idx").on(t.tenant_id, t.at, t.id),
  index("audit_logs_entity_idx").on(t.tenant_id, t.entity_type, t.entity_id),
  index("audit_logs_actor_idx").on(t.tenant_id, t.actor_id, t.at),
]);
