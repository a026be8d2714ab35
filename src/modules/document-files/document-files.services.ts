/**
 * File writes. An upload is checked before anything is stored (size, the type
 * its bytes prove against the allowlist and against what the upload claimed, a
 * name without a path), then stored: the object first, then its row, its audit
 * entry and the item's move to `received` in one batch; if the batch fails the
 * object is removed again, so an object without a row can only outlive a crash
 * between the two. Downloads are audited (who looked at a passport scan);
 * deletes are soft and keep the object.
 * @module
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { auditStatement } from "../../audit/audit.ts";
import { type BatchStep, guard, IDS_PER_STATEMENT, runBatch } from "../../db/batch.ts";
import type { Database } from "../../db/database.ts";
import { checklist_items, document_files } from "../../db/schema/index.ts";
import {
  cleanFileName,
  detectContentType,
  fileKey,
  filePrefix,
  type FileStore,
  sha256Hex,
} from "../../files/file-store.ts";
import { creationStamps, updateSteps } from "../../lib/audited-writes.ts";
import type { AppConfig } from "../../config.ts";
import { ApiError, invalidField, notFound } from "../../lib/errors.ts";
import { isUuid, uuidv7 } from "../../lib/ids.ts";
import type { RequestMeta } from "../../lib/request-meta.ts";
import { softDeleteSteps } from "../../lib/soft-delete.ts";
import { requireBranchAdminOrAbove } from "../../scope/permissions.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ChecklistItem } from "../checklist-items/checklist-items.schemas.ts";
import { type CaseRef, getChecklistItem } from "../checklist-items/checklist-items.selectors.ts";
import { getClient } from "../clients/clients.selectors.ts";
import { clientStillLive } from "../clients/clients.services.ts";
import type { DocumentFile, StoredFile } from "./document-files.schemas.ts";
import { getStoredFile, shownFile } from "./document-files.selectors.ts";

const ENTITY = "document_file";

/** The file store, or a 503 where the entry has none. */
export function requireFileStore(files: FileStore | undefined): FileStore {
  if (!files) {
    throw new ApiError(503, "file_storage_unavailable", "This deployment stores no files yet.");
  }
  return files;
}

/** What an upload is stored against: a checklist item of an application, or a client itself. */
export type UploadTarget = { ref: CaseRef; itemId: string } | { clientId: string };

/** Where the file goes, and the guards and item move of its batch. */
async function placeUpload(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  target: UploadTarget,
): Promise<{ clientId: string; itemId: string | null; steps: BatchStep[] }> {
  if ("clientId" in target) {
    const client = await getClient(db, scope, target.clientId);
    return { clientId: client.id, itemId: null, steps: [clientStillLive(client.id)] };
  }
  const item = await getChecklistItem(db, scope, target.ref, target.itemId);
  return {
    clientId: item.client_id,
    itemId: item.id,
    steps: [
      guard(
        sql`EXISTS (SELECT 1 FROM ${checklist_items} WHERE ${
          and(eq(checklist_items.id, item.id), isNull(checklist_items.deleted_at))
        })`,
        notFound("Checklist item"),
      ),
      ...receivedSteps(db, scope, meta, item),
    ],
  };
}

/** The upload's bytes, type and name once every check passed; else the 413/415/422 saying why. */
async function checkedUpload(file: File, config: Pick<AppConfig, "fileMaxBytes" | "fileTypes">) {
  if (file.size > config.fileMaxBytes) {
    throw new ApiError(
      413,
      "payload_too_large",
      `A file may be at most ${config.fileMaxBytes} bytes.`,
    );
  }
  if (file.size === 0) throw invalidField("file", "The file is empty.");
  const name = cleanFileName(file.name);
  if (!name) throw invalidField("file", "The file name must be a plain name, not a path.");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = detectContentType(bytes);
  if (!type || !config.fileTypes.includes(type)) {
    throw new ApiError(
      415,
      "unsupported_file_type",
      `Upload one of: ${config.fileTypes.join(", ")}.`,
    );
  }
  const claimed = file.type.split(";")[0].trim().toLowerCase();
  if (claimed && claimed !== "application/octet-stream" && claimed !== type) {
    throw new ApiError(
      415,
      "file_type_mismatch",
      `The file says ${claimed} but its bytes are ${type}.`,
    );
  }
  return { bytes, type, name };
}

/** Stores `file` against a checklist item or a client in scope. */
export async function uploadFile(
  db: Database,
  files: FileStore,
  config: Pick<AppConfig, "fileMaxBytes" | "fileTypes">,
  scope: TenantScope,
  meta: RequestMeta,
  target: UploadTarget,
  file: File,
): Promise<DocumentFile> {
  const place = await placeUpload(db, scope, meta, target);
  const { bytes, type, name } = await checkedUpload(file, config);
  const id = uuidv7(meta.now.getTime());
  const row: StoredFile = {
    id,
    tenant_id: scope.tenantId,
    client_id: place.clientId,
    checklist_item_id: place.itemId,
    name,
    content_type: type,
    size: bytes.length,
    sha256: await sha256Hex(bytes),
    storage_key: fileKey(scope.tenantId, id),
    deleted_at: null,
    deleted_by: null,
    ...creationStamps(scope, meta),
  };
  const steps: BatchStep[] = [
    ...place.steps,
    db.insert(document_files).values(row),
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "upload",
      entityType: ENTITY,
      entityId: id,
      after: shownFile(row),
    }),
  ];
  await files.put(row.storage_key, bytes, type);
  try {
    await runBatch(db, steps);
  } catch (error) {
    // The caller hears why the upload failed; a failed clean-up is left to the sweep.
    await files.delete(row.storage_key).catch(() => {});
    throw error;
  }
  return shownFile(row);
}

/** A requested or rejected item becomes received when its document arrives. */
function receivedSteps(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  item: ChecklistItem,
): BatchStep[] {
  if (item.status !== "requested" && item.status !== "rejected") return [];
  // The status it was read in must still hold: a move racing the upload wins, not this one.
  const stillAsRead = guard(
    sql`EXISTS (SELECT 1 FROM ${checklist_items} WHERE ${
      and(eq(checklist_items.id, item.id), eq(checklist_items.status, item.status))
    })`,
    new ApiError(409, "conflict", "The item changed while the upload ran; reload and retry."),
  );
  return [
    stillAsRead,
    ...updateSteps(db, scope, meta, {
      table: checklist_items,
      entityType: "checklist_item",
      before: item,
      after: {
        ...item,
        status: "received",
        rejection_reason: null,
        status_changed_at: meta.now.toISOString(),
        status_changed_by: scope.actor.userId,
      },
    }).steps,
  ];
}

/** A file's bytes for a caller in scope, with the audit entry of the download. */
export async function downloadFile(
  db: Database,
  files: FileStore,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<{ file: StoredFile; bytes: Uint8Array }> {
  const file = await getStoredFile(db, scope, id);
  const bytes = await files.get(file.storage_key);
  if (!bytes) throw notFound("File");
  await runBatch(db, [
    auditStatement(db, scope.actor, meta, {
      tenantId: scope.tenantId,
      action: "download",
      entityType: ENTITY,
      entityId: file.id,
    }),
  ]);
  return { file, bytes };
}

/** Soft-deletes a file (branch_admin and up); the object stays for the record. */
export async function deleteFile(
  db: Database,
  scope: TenantScope,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const before = await getStoredFile(db, scope, id);
  requireBranchAdminOrAbove(scope, "delete files");
  const { steps } = softDeleteSteps(db, scope, meta, {
    table: document_files,
    entityType: ENTITY,
    before,
  }, true);
  await runBatch(db, steps);
}

/** How long an object may go without its row before the sweep takes it for an orphan. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

/** The instant in a UUIDv7's first 48 bits. */
const idTime = (id: string) => parseInt(id.replaceAll("-", "").slice(0, 12), 16);

/**
 * Removes a tenant's objects that have no row: left by a crash between an
 * upload's object and its batch. Only objects older than {@link ORPHAN_GRACE_MS}
 * (by their id's time), so an upload in flight is never taken. A soft-deleted
 * file keeps its row, so its object stays. Returns how many it removed.
 */
export async function sweepOrphanFiles(
  db: Database,
  files: FileStore,
  tenantId: string,
  now: Date,
): Promise<number> {
  const prefix = filePrefix(tenantId);
  let removed = 0;
  let candidates: string[] = [];
  const settle = async () => {
    const ids = candidates;
    candidates = [];
    const rows = await db.select({ id: document_files.id }).from(document_files)
      .where(inArray(document_files.id, ids));
    const kept = new Set(rows.map((r) => r.id));
    for (const id of ids) {
      if (kept.has(id)) continue;
      await files.delete(`${prefix}${id}`);
      removed++;
    }
  };
  for await (const key of files.list(prefix)) {
    const id = key.slice(prefix.length);
    if (!isUuid(id) || now.getTime() - idTime(id) < ORPHAN_GRACE_MS) continue;
    candidates.push(id);
    if (candidates.length >= IDS_PER_STATEMENT) await settle();
  }
  if (candidates.length > 0) await settle();
  return removed;
}
