/**
 * Column sets shared by every tenant table, so that ids, timestamps and authorship
 * look the same everywhere (SPEC §3).
 * @module
 */
import { text } from "drizzle-orm/sqlite-core";

/** UUIDv7 primary key, assigned by the application (time-ordered, so keyset paging by id works). */
export const idColumn = () => text("id").primaryKey();

/** created/updated instants (RFC 3339 UTC text, sortable) and the acting users. */
export const lifecycleColumns = () => ({
  created_at: text("created_at").notNull(),
  updated_at: text("updated_at").notNull(),
  created_by: text("created_by"),
  updated_by: text("updated_by"),
});

/** Soft-delete marker: a row with deleted_at set is hidden unless a caller asks for it. */
export const softDeleteColumns = () => ({
  deleted_at: text("deleted_at"),
  deleted_by: text("deleted_by"),
});
