/** Files stored against checklist items: what an upload answers and lists show. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { document_files } from "../../db/schema/index.ts";
import { pageQueryFields, pageSchema } from "../../lib/pagination.ts";

export const DocumentFileSchema = createSelectSchema(document_files).omit({ storage_key: true })
  .openapi("DocumentFile", {
    example: {
      id: "0193c0de-0000-7000-8000-000000000080",
      tenant_id: "0193c0de-0000-7000-8000-000000000001",
      client_id: "0193c0de-0000-7000-8000-000000000020",
      checklist_item_id: "0193c0de-0000-7000-8000-000000000070",
      name: "passport.pdf",
      content_type: "application/pdf",
      size: 182044,
      sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      created_at: "2026-12-02T09:00:00.000Z",
      updated_at: "2026-12-02T09:00:00.000Z",
      created_by: null,
      updated_by: null,
      deleted_at: null,
      deleted_by: null,
    },
  });
export type DocumentFile = z.infer<typeof DocumentFileSchema>;
export type StoredFile = typeof document_files.$inferSelect;

/** The multipart form of an upload: one part named `file`. */
export const UploadFormSchema = z.object({
  file: z.any().openapi({ type: "string", format: "binary", description: "The document." }),
}).openapi("DocumentUpload");

export const DownloadLinkSchema = z.object({
  url: z.string().openapi({
    example: "/api/v1/files/0193c0de-0000-7000-8000-000000000080?link=eyJ…",
  }),
  expires_in: z.number().int().openapi({ example: 60 }),
}).openapi("DownloadLink");

export const ListFilesQuerySchema = z.object({ ...pageQueryFields });
export type ListFilesQuery = z.infer<typeof ListFilesQuerySchema>;

export const DocumentFilePageSchema = pageSchema(DocumentFileSchema, "DocumentFilePage");
