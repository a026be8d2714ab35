/**
 * Files of checklist items: `POST|GET /visa-applications/{id}/documents/{item_id}/files`
 * and the same under `/applications` (multipart upload, list), of clients themselves: `POST|GET /clients/{client_id}/files`,
 * and `GET|DELETE /files/{id}` (download, soft delete), `POST /files/{id}/link`.
 * Scope is checked on every call, downloads included: outside it a file is 404.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, HonoRequest, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../lib/context.ts";
import { DOWNLOAD_LINK_TTL_SECONDS, signDownloadLink } from "../../auth/download-links.ts";
import { requireAuth, tenantScope } from "../../auth/middleware.ts";
import { authenticatedRoute } from "../../lib/crud-routes.ts";
import { ApiError } from "../../lib/errors.ts";
import { requestMeta } from "../../lib/request-meta.ts";
import {
  createRouter,
  errorResponses,
  IdParamsSchema,
  jsonResponse,
  readErrors,
  writeErrors,
} from "../../lib/router.ts";
import { ItemParamsSchema } from "../checklist-items/checklist-items.schemas.ts";
import type { CaseRef } from "../checklist-items/checklist-items.selectors.ts";
import { ClientParamsSchema } from "../client-profiles/client-profiles.schemas.ts";
import {
  DocumentFilePageSchema,
  DocumentFileSchema,
  DownloadLinkSchema,
  type ListFilesQuery,
  ListFilesQuerySchema,
  UploadFormSchema,
} from "./document-files.schemas.ts";
import { getStoredFile, listClientFiles, listItemFiles } from "./document-files.selectors.ts";
import {
  deleteFile,
  downloadFile,
  requireFileStore,
  uploadFile,
} from "./document-files.services.ts";

const common = authenticatedRoute("Document files");
const unavailable = {
  description: "No file storage on this deployment",
  content: errorResponses[404].content,
};

/** Before the form validator, so another content type gets this 415, not a generic one. */
const requireMultipart: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new ApiError(415, "unsupported_media_type", "Send the file as multipart/form-data.");
  }
  await next();
};

const upload = createRoute({
  ...common,
  middleware: [common.middleware, requireMultipart] as const,
  method: "post",
  path: "/visa-applications/{id}/documents/{item_id}/files",
  summary: "Upload a document for a checklist item",
  description: "multipart/form-data with one part `file`. The type is recognised from the " +
    "bytes (PDF, PNG, JPEG by default: FILE_TYPES) and must match what the part claims; at most " +
    "FILE_MAX_BYTES. The answer carries the SHA-256. A requested or rejected item becomes received.",
  request: {
    params: ItemParamsSchema,
    body: { required: true, content: { "multipart/form-data": { schema: UploadFormSchema } } },
  },
  responses: {
    201: jsonResponse(DocumentFileSchema, "The stored file"),
    ...writeErrors,
    415: { ...errorResponses[415], description: "Not multipart, or a type not allowed or lying" },
    503: unavailable,
  },
});
const clientUpload = createRoute({
  ...upload,
  path: "/clients/{client_id}/files",
  summary: "Keep a document on a client (a passport scan, LPE evidence, a qualification)",
  description: "The same checks as an item's upload; the file belongs to the client itself.",
  request: { ...upload.request, params: ClientParamsSchema },
});
const clientList = createRoute({
  ...common,
  method: "get",
  path: "/clients/{client_id}/files",
  summary: "Every file of a client, its checklist documents included",
  request: { params: ClientParamsSchema, query: ListFilesQuerySchema },
  responses: { 200: jsonResponse(DocumentFilePageSchema, "A page of files"), ...readErrors },
});
const list = createRoute({
  ...common,
  method: "get",
  path: "/visa-applications/{id}/documents/{item_id}/files",
  summary: "The files of a checklist item",
  request: { params: ItemParamsSchema, query: ListFilesQuerySchema },
  responses: { 200: jsonResponse(DocumentFilePageSchema, "A page of files"), ...readErrors },
});
/** The same two routes under a study application's checklist. */
const studyUpload = createRoute({
  ...upload,
  path: "/applications/{id}/documents/{item_id}/files",
  summary: "Upload a document for a study application's checklist item",
});
const studyList = createRoute({
  ...list,
  path: "/applications/{id}/documents/{item_id}/files",
  summary: "The files of a study application's checklist item",
});
const link = createRoute({
  ...common,
  method: "post",
  path: "/files/{id}/link",
  summary: "A one-minute download link for a browser",
  description: "For `<a href>` and other callers that cannot send a header. The link acts as " +
    "you, in this session, for this file only; the file is looked up in your scope when it is " +
    "used. Another signed-in user presenting it, or anyone after it expires, gets 404.",
  request: { params: IdParamsSchema },
  responses: { 201: jsonResponse(DownloadLinkSchema, "The link"), ...writeErrors },
});
const download = createRoute({
  ...common,
  middleware: requireAuth({ tenant: true, downloadLink: true }),
  method: "get",
  path: "/files/{id}",
  summary: "Download a file (audited)",
  description: "With the Authorization header, or with `?link=` from POST /files/{id}/link.",
  request: {
    params: IdParamsSchema,
    query: z.object({ link: z.string().max(2000).optional() }),
  },
  responses: {
    200: {
      description: "The file's bytes, as an attachment",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...readErrors,
    503: unavailable,
  },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/files/{id}",
  summary: "Delete a file (branch_admin and up; soft, audited)",
  request: { params: IdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...writeErrors },
});

/** The `file` part of a multipart body, or the 422 that says what is wrong with it. */
async function filePart(request: HonoRequest): Promise<File> {
  // The route's form validator has parsed the body already (a form it cannot parse is
  // 400 invalid_upload there); this reads its cached result.
  const file = (await request.formData()).get("file");
  if (!(file instanceof File)) {
    throw new ApiError(422, "validation_error", "Send the document in a part named file.", [
      { path: ["file"], message: "Required" },
    ]);
  }
  return file;
}

/** The handlers of an item's upload and list, for one kind of case. */
function itemFileHandlers(kind: CaseRef["kind"]) {
  return {
    upload: async (c: Context<AppEnv>, params: { id: string; item_id: string }) => {
      const { db, files, config } = c.get("deps");
      const store = requireFileStore(files);
      const file = await filePart(c.req);
      const stored = await uploadFile(db, store, config, tenantScope(c), requestMeta(c), {
        ref: { kind, id: params.id },
        itemId: params.item_id,
      }, file);
      return c.json(stored, 201);
    },
    list: async (
      c: Context<AppEnv>,
      params: { id: string; item_id: string },
      query: ListFilesQuery,
    ) => {
      const page = await listItemFiles(
        c.get("deps").db,
        tenantScope(c),
        { kind, id: params.id },
        params.item_id,
        query,
        c.req.url,
      );
      return c.json(page, 200);
    },
  };
}
const visaItemFiles = itemFileHandlers("visa_application");
const studyItemFiles = itemFileHandlers("application");

export const documentFilesRouter = createRouter()
  .openapi(upload, (c) => visaItemFiles.upload(c, c.req.valid("param")))
  .openapi(studyUpload, (c) => studyItemFiles.upload(c, c.req.valid("param")))
  .openapi(list, (c) => visaItemFiles.list(c, c.req.valid("param"), c.req.valid("query")))
  .openapi(studyList, (c) => studyItemFiles.list(c, c.req.valid("param"), c.req.valid("query")))
  .openapi(clientUpload, async (c) => {
    const { db, files, config } = c.get("deps");
    const store = requireFileStore(files);
    const file = await filePart(c.req);
    const stored = await uploadFile(db, store, config, tenantScope(c), requestMeta(c), {
      clientId: c.req.valid("param").client_id,
    }, file);
    return c.json(stored, 201);
  })
  .openapi(clientList, async (c) => {
    const page = await listClientFiles(
      c.get("deps").db,
      tenantScope(c),
      c.req.valid("param").client_id,
      c.req.valid("query"),
      c.req.url,
    );
    return c.json(page, 200);
  })
  .openapi(download, async (c) => {
    const { db, files } = c.get("deps");
    const { file, bytes } = await downloadFile(
      db,
      requireFileStore(files),
      tenantScope(c),
      requestMeta(c),
      c.req.valid("param").id,
    );
    const ascii = file.name.replace(/[^\x20-\x7e]/g, "_");
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": file.content_type,
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${
        encodeURIComponent(file.name).replace(
          /['()*]/g,
          (ch) => `%${ch.charCodeAt(0).toString(16)}`,
        )
      }`,
      "Cache-Control": "private, no-store",
    });
  })
  .openapi(link, async (c) => {
    const { keys, config, clock, db } = c.get("deps");
    const scope = tenantScope(c);
    const file = await getStoredFile(db, scope, c.req.valid("param").id);
    const token = await signDownloadLink(keys, config, scope.actor, file.id, clock());
    return c.json({
      url: `/api/v1/files/${file.id}?link=${token}`,
      expires_in: DOWNLOAD_LINK_TTL_SECONDS,
    }, 201);
  })
  .openapi(remove, async (c) => {
    await deleteFile(c.get("deps").db, tenantScope(c), requestMeta(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
