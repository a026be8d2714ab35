/**
 * What a case's answer says of its checklist: `documents: {required, received,
 * verified}`, counting required items only and leaving waived ones out. Read by
 * the visa-application and application selectors for the rows they return.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { and, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { IDS_PER_STATEMENT } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { checklist_items } from "../../db/schema/index.ts";

export const DocumentCountsSchema = z.object({
  required: z.number().int(),
  received: z.number().int().openapi({ description: "Required items received or verified." }),
  verified: z.number().int(),
}).openapi("DocumentCounts");
export type DocumentCounts = z.infer<typeof DocumentCountsSchema>;

export const NO_DOCUMENTS: DocumentCounts = { required: 0, received: 0, verified: 0 };

const counted = (condition: SQL) =>
  sql<
    number
  >`coalesce(sum(CASE WHEN ${checklist_items.required} = 1 AND ${condition} THEN 1 ELSE 0 END), 0)`
    .mapWith(Number);

/**
 * Adds each row's document counts, its items found by `parent` (the checklist
 * column naming the row's case): one grouped query per {@link IDS_PER_STATEMENT} rows.
 */
export async function withDocuments<Row extends { id: string }>(
  db: Database,
  parent: SQLiteColumn,
  rows: Row[],
): Promise<(Row & { documents: DocumentCounts })[]> {
  const counts = new Map<string, DocumentCounts>();
  for (let i = 0; i < rows.length; i += IDS_PER_STATEMENT) {
    const ids = rows.slice(i, i + IDS_PER_STATEMENT).map((row) => row.id);
    const found = await db.select({
      id: parent,
      required: counted(sql`${checklist_items.status} <> 'waived'`),
      received: counted(sql`${checklist_items.status} IN ('received', 'verified')`),
      verified: counted(sql`${checklist_items.status} = 'verified'`),
    }).from(checklist_items)
      .where(and(inArray(parent, ids), isNull(checklist_items.deleted_at)))
      .groupBy(parent);
    for (const { id, ...c } of found) counts.set(String(id), c);
  }
  return rows.map((row) => ({ ...row, documents: counts.get(row.id) ?? NO_DOCUMENTS }));
}
