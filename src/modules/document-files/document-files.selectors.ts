/** Reads of stored files: seen exactly when their client is, deleted ones hidden. @module */
import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { document_files } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { clientRowsInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import { type CaseRef, getChecklistItem } from "../checklist-items/checklist-items.selectors.ts";
import { getClient } from "../clients/clients.selectors.ts";
import type { DocumentFile, ListFilesQuery, StoredFile } from "./document-files.schemas.ts";

const ordering: Ordering = {
  columns: { created_at: document_files.created_at },
  id: document_files.id,
  default: "-created_at",
};

const live = (scope: TenantScope, db: Database) =>
  and(clientRowsInScope(scope, document_files, db), isNull(document_files.deleted_at));

/** What a caller is shown of a stored file (never where it is stored). */
export function shownFile({ storage_key: _key, ...file }: StoredFile): DocumentFile {
  return file;
}

function pageOfFiles(db: Database, where: SQL | undefined, query: ListFilesQuery, url: string) {
  return paginate<DocumentFile>(url, query, ordering, {
    rows: async (seek, orderBy, limit, offset) =>
      (await db.select().from(document_files).where(and(where, seek)).orderBy(...orderBy)
        .limit(limit).offset(offset)).map(shownFile),
    ...countOf(db, document_files, where),
  });
}

/** The files of a checklist item in scope (404 for any other). */
export async function listItemFiles(
  db: Database,
  scope: TenantScope,
  ref: CaseRef,
  itemId: string,
  query: ListFilesQuery,
  url: string,
) {
  await getChecklistItem(db, scope, ref, itemId);
  return await pageOfFiles(
    db,
    and(live(scope, db), eq(document_files.checklist_item_id, itemId)),
    query,
    url,
  );
}

/** Every live file of a client in scope, its checklist documents included (404 for any other). */
export async function listClientFiles(
  db: Database,
  scope: TenantScope,
  clientId: string,
  query: ListFilesQuery,
  url: string,
) {
  await getClient(db, scope, clientId);
  return await pageOfFiles(
    db,
    and(live(scope, db), eq(document_files.client_id, clientId)),
    query,
    url,
  );
}

/** One stored file in scope, or 404. */
export async function getStoredFile(
  db: Database,
  scope: TenantScope,
  id: string,
): Promise<StoredFile> {
  if (!isUuid(id)) throw notFound("File");
  const [row] = await db.select().from(document_files)
    .where(and(live(scope, db), eq(document_files.id, id)));
  if (!row) throw notFound("File");
  return row;
}
