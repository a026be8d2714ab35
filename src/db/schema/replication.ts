/**
 * The primary's write log for Deno regions (src/regions): every committed write
 * batch, as the SQL and arguments it ran, appended in the same batch. A far
 * region replays it in order; `position` is its read-your-writes bookmark.
 * @module
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const replication_log = sqliteTable("replication_log", {
  // AUTOINCREMENT: a position is never reused, even after old entries are pruned.
  position: integer("position").primaryKey({ autoIncrement: true }),
  at: text("at").notNull(),
  /** JSON `[{sql, args}]`, in the order the batch ran them. */
  statements: text("statements").notNull(),
});
