/**
 * Named counters that triggers on the tables they watch move inside the writing
 * transaction (migration 0015), so a cache that depends on only part of the data
 * can tell a commit that changed that part from one that did not, whatever wrote
 * it: this process, another, or a far region replaying the log. See
 * src/db/change-epochs.ts for the names and what moves each.
 * @module
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const change_epochs = sqliteTable("change_epochs", {
  name: text("name").primaryKey(),
  n: integer("n").notNull(),
});
