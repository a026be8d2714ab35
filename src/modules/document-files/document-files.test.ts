import assert from "node:assert/strict";
import { fileKey } from "../../files/file-store.ts";
import { localFileStore } from "../../files/local-file-store.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { runScheduledJob } from "../../notifications/scheduled.ts";
import { ORPHAN_GRACE_MS } from "./document-files.services.ts";
import {
  assertError,
  auditOf,
  beforeNextBatch,
  buildWorld,
  call,
  countRows,
  createTestApp,
  createVisaType,
  TENANT_A_ROLES,
  type TestApp,
  type Who,
  type World,
} from "../../../tests/support.ts";

const PDF = new TextEncoder().encode("%PDF-1.7\n% a passport scan\n%%EOF\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72]);
const OUTSIDE: Who[] = ["regionManagerA2", "branchAdminA1b", "consultantA2a", "consultantB"];

async function objectsIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      if (entry.isDirectory) await walk(`${path}/${entry.name}`);
      else out.push(`${path}/${entry.name}`.slice(dir.length + 1));
    }
  };
  await walk(dir);
  return out;
}

async function setUp(config: { fileMaxBytes?: number } = {}) {
  const dir = await Deno.makeTempDir();
  const t = await createTestApp(config, { files: localFileStore(dir) });
  const w = await buildWorld(t);
  const typeId = await createVisaType(t, w, [
    { item: "Passport", required: true },
    { item: "Photo", required: true },
  ]);
  const client = await call(t, "POST", "/api/v1/clients", {
    token: w.tokens.consultant,
    body: { first_name: "Ravi", last_name: "Shah" },
  });
  const application = await call(t, "POST", "/api/v1/visa-applications", {
    token: w.tokens.consultant,
    body: { client_id: client.body.id, visa_type_id: typeId },
  });
  const items = await call(t, "GET", `/api/v1/visa-applications/${application.body.id}/documents`, {
    token: w.tokens.consultant,
  });
  const [passport, photo] = items.body.results as { id: string }[];
  const itemPath = (id: string) =>
    `/api/v1/visa-applications/${application.body.id}/documents/${id}`;
  const applicationPath = `/api/v1/visa-applications/${application.body.id}`;
  return { t, w, dir, passport, photo, itemPath, applicationPath };
}

async function upload(
  t: TestApp,
  w: World,
  path: string,
  file: { bytes: Uint8Array; name: string; type?: string },
  who: Who = "consultant",
) {
  const form = new FormData();
  form.append("file", new File([file.bytes as BlobPart], file.name, { type: file.type ?? "" }));
  const res = await t.app.request(`${path}/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${w.tokens[who]}` },
    body: form,
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

Deno.test("a document is stored, hashed, listed, downloaded and deleted, all audited", async (s) => {
  const { t, w, dir, passport, itemPath, applicationPath } = await setUp();
  const path = itemPath(passport.id);
  const stored = await upload(t, w, path, {
    bytes: PDF,
    name: "passport.pdf",
    type: "application/pdf",
  });

  await s.step("the upload answers the file with its SHA-256; the item is received", async () => {
    assert.equal(stored.status, 201, JSON.stringify(stored.body));
    const expected = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", PDF)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    assert.equal(stored.body.sha256, expected);
    assert.equal(stored.body.size, PDF.length);
    assert.equal(stored.body.content_type, "application/pdf");
    assert.equal(stored.body.storage_key, undefined, "where it is stored is not the caller's");
    const item = await call(t, "GET", path, { token: w.tokens.consultant });
    assert.equal(item.body.status, "received");
    assert.deepEqual(await objectsIn(dir), [
      `tenants/${w.tenantA.id}/files/${stored.body.id}`,
    ]);
  });

  await s.step(
    "a draft whose checklist holds files is not deleted: they are evidence",
    async () => {
      const refused = await call(t, "DELETE", applicationPath, { token: w.tokens.branchAdmin });
      assertError(refused, 409, "has_documents");
      assert.equal(
        (await call(t, "GET", applicationPath, { token: w.tokens.consultant })).status,
        200,
      );
    },
  );

  await s.step("listed under its item", async () => {
    const list = await call(t, "GET", `${path}/files`, { token: w.tokens.consultant });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual((list.body.results as { id: string }[]).map((f) => f.id), [stored.body.id]);
  });

  await s.step("every role in scope downloads the bytes; each download is audited", async () => {
    for (const who of TENANT_A_ROLES) {
      const res = await t.app.request(`/api/v1/files/${stored.body.id}`, {
        headers: { authorization: `Bearer ${w.tokens[who]}` },
      });
      assert.equal(res.status, 200, who);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PDF);
      assert.equal(res.headers.get("content-type"), "application/pdf");
      assert.match(
        res.headers.get("content-disposition") ?? "",
        /^attachment; filename="passport\.pdf"/,
      );
      const [audit] = await auditOf(t, {
        status: res.status,
        body: {},
        headers: res.headers,
        text: "",
      });
      assert.equal(audit.action, "download");
      assert.equal(audit.entity_id, stored.body.id);
    }
  });

  await s.step("a one-minute link downloads without a header, only for its user", async () => {
    const made = await call(t, "POST", `/api/v1/files/${stored.body.id}/link`, {
      token: w.tokens.consultant,
    });
    assert.equal(made.status, 201, made.text);
    const url = made.body.url as string;
    const plain = await t.app.request(url);
    assert.equal(plain.status, 200);
    assert.deepEqual(new Uint8Array(await plain.arrayBuffer()), PDF);
    const other = await call(t, "GET", url, { token: w.tokens.superAdmin });
    assertError(other, 404);
    const forged = await call(t, "GET", `${url.slice(0, -4)}AAAA`);
    assertError(forged, 404);
    const second = await upload(t, w, path, { bytes: PDF, name: "second.pdf" });
    assert.equal(second.status, 201);
    const elsewhere = url.replace(stored.body.id, second.body.id);
    assertError(await call(t, "GET", elsewhere), 404, "not_found");
    const gone = await call(t, "DELETE", `/api/v1/files/${second.body.id}`, {
      token: w.tokens.branchAdmin,
    });
    assert.equal(gone.status, 204);
    assertError(
      await call(t, "POST", `/api/v1/files/${stored.body.id}/link`, {
        token: w.tokens.consultantB,
      }),
      404,
    );
    t.advance(61_000);
    assertError(await call(t, "GET", url), 404);
  });

  await s.step("a client keeps documents of its own, listed with its checklist files", async () => {
    const clientId = (await call(t, "GET", path, { token: w.tokens.consultant })).body.client_id;
    const form = new FormData();
    form.append("file", new File([PNG as BlobPart], "passport-photo.png"));
    const res = await t.app.request(`/api/v1/clients/${clientId}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.tokens.consultant}` },
      body: form,
    });
    const own = await res.json();
    assert.equal(res.status, 201, JSON.stringify(own));
    assert.equal(own.checklist_item_id, null);
    assert.equal(own.content_type, "image/png");
    const list = await call(t, "GET", `/api/v1/clients/${clientId}/files`, {
      token: w.tokens.consultant,
    });
    assert.deepEqual(
      (list.body.results as { id: string }[]).map((f) => f.id).sort(),
      [own.id, stored.body.id].sort(),
    );
    for (const who of OUTSIDE) {
      assertError(
        await call(t, "GET", `/api/v1/clients/${clientId}/files`, { token: w.tokens[who] }),
        404,
      );
      const form2 = new FormData();
      form2.append("file", new File([PDF as BlobPart], "x.pdf"));
      const refused = await t.app.request(`/api/v1/clients/${clientId}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${w.tokens[who]}` },
        body: form2,
      });
      assert.equal(refused.status, 404, who);
    }
    const del = await call(t, "DELETE", `/api/v1/files/${own.id}`, { token: w.tokens.branchAdmin });
    assert.equal(del.status, 204);
  });

  await s.step("outside the scope every route is 404 and nothing is stored", async () => {
    const rows = await countRows(t.db, "document_files");
    const objects = (await objectsIn(dir)).length;
    for (const who of OUTSIDE) {
      const token = w.tokens[who];
      assertError(await call(t, "GET", `/api/v1/files/${stored.body.id}`, { token }), 404);
      assertError(await call(t, "DELETE", `/api/v1/files/${stored.body.id}`, { token }), 404);
      assertError(await call(t, "GET", `${path}/files`, { token }), 404);
      const refused = await upload(t, w, path, { bytes: PDF, name: "x.pdf" }, who);
      assert.equal(refused.status, 404, who);
    }
    assert.equal(await countRows(t.db, "document_files"), rows);
    assert.equal((await objectsIn(dir)).length, objects);
  });

  await s.step("only branch_admin and up delete; a deleted file is gone for everyone", async () => {
    const file = `/api/v1/files/${stored.body.id}`;
    assertError(await call(t, "DELETE", file, { token: w.tokens.consultant }), 403);
    const del = await call(t, "DELETE", file, { token: w.tokens.branchAdmin });
    assert.equal(del.status, 204, del.text);
    assert.deepEqual((await auditOf(t, del)).map((a) => a.action), ["delete"]);
    assertError(await call(t, "GET", file, { token: w.tokens.superAdmin }), 404);
    const list = await call(t, "GET", `${path}/files`, { token: w.tokens.consultant });
    assert.equal(list.body.count, 0);
  });
  t.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad uploads get a clear error and leave no row and no object", async (s) => {
  const { t, w, dir, photo, itemPath } = await setUp({ fileMaxBytes: 64 });
  const path = itemPath(photo.id);
  const nothingStored = async () => {
    assert.equal(await countRows(t.db, "document_files"), 0);
    assert.deepEqual(await objectsIn(dir), []);
    const item = await call(t, "GET", path, { token: w.tokens.consultant });
    assert.equal(item.body.status, "requested");
  };
  const cases: [string, { bytes: Uint8Array; name: string; type?: string }, number, string][] = [
    [
      "too large",
      { bytes: new Uint8Array(65).fill(0x25), name: "big.pdf" },
      413,
      "payload_too_large",
    ],
    [
      "a type not allowed",
      { bytes: new TextEncoder().encode("hello"), name: "a.txt" },
      415,
      "unsupported_file_type",
    ],
    [
      "a type that lies",
      { bytes: PNG, name: "scan.pdf", type: "application/pdf" },
      415,
      "file_type_mismatch",
    ],
    ["an empty file", { bytes: new Uint8Array(0), name: "empty.pdf" }, 422, "validation_error"],
    ["a path in its name", { bytes: PDF, name: "../../etc/passwd.pdf" }, 422, "validation_error"],
  ];
  for (const [what, file, status, code] of cases) {
    await s.step(what, async () => {
      const res = await upload(t, w, path, file);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error, code);
      await nothingStored();
    });
  }

  await s.step("not multipart, no file part, an interrupted form", async () => {
    const json = await call(t, "POST", `${path}/files`, {
      token: w.tokens.consultant,
      body: { file: "JVBERi0=" },
    });
    assertError(json, 415, "unsupported_media_type");
    const noPart = new FormData();
    noPart.append("other", "x");
    const missing = await t.app.request(`${path}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.tokens.consultant}` },
      body: noPart,
    });
    assert.equal(missing.status, 422);
    const boundary = "leopard-boundary";
    const cut =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n%PDF-1.7 and then the connection dropped`;
    const interrupted = await t.app.request(`${path}/files`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${w.tokens.consultant}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      body: cut,
    });
    // The form validator finds no complete `file` part in it.
    assert.equal(interrupted.status, 422);
    assert.equal((await interrupted.json()).error, "validation_error");
    await nothingStored();
  });

  await s.step("a form without its boundary is a 400 invalid_upload", async () => {
    const res = await t.app.request(`${path}/files`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${w.tokens.consultant}`,
        "content-type": "multipart/form-data",
      },
      body: "--x\r\n",
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_upload");
    await nothingStored();
  });

  await s.step(
    "an item moved while the upload ran: 409, the move stands, nothing stored",
    async () => {
      beforeNextBatch(
        t,
        () =>
          call(t, "PATCH", path, { token: w.tokens.branchAdmin, body: { status: "waived" } }).then(
            (r) => assert.equal(r.status, 200),
          ),
      );
      const res = await upload(t, w, path, { bytes: PDF.slice(0, 20), name: "racing.pdf" });
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.equal(
        (await call(t, "GET", path, { token: w.tokens.consultant })).body.status,
        "waived",
      );
      assert.equal(await countRows(t.db, "document_files"), 0);
      assert.deepEqual(await objectsIn(dir), []);
      await call(t, "PATCH", path, { token: w.tokens.branchAdmin, body: { status: "requested" } });
    },
  );

  await s.step(
    "an item removed while the upload ran: 404, and the object is removed too",
    async () => {
      beforeNextBatch(
        t,
        () =>
          call(t, "DELETE", path, { token: w.tokens.branchAdmin }).then((r) =>
            assert.equal(r.status, 204)
          ),
      );
      const res = await upload(t, w, path, { bytes: PDF.slice(0, 20), name: "late.pdf" });
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal(await countRows(t.db, "document_files"), 0);
      assert.deepEqual(await objectsIn(dir), []);
    },
  );
  t.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the sweep removes objects an upload left without a row, and nothing else", async () => {
  const { t, w, dir, passport, itemPath } = await setUp();
  const kept = await upload(t, w, itemPath(passport.id), { bytes: PDF, name: "kept.pdf" });
  assert.equal(kept.status, 201);
  const store = localFileStore(dir);
  const hourAgo = uuidv7(Date.now() - 2 * ORPHAN_GRACE_MS);
  const justNow = uuidv7(Date.now());
  // What a crash between the object and its batch leaves: objects with no row.
  await store.put(fileKey(w.tenantA.id, hourAgo), PDF, "application/pdf");
  await store.put(fileKey(w.tenantA.id, justNow), PDF, "application/pdf");
  await runScheduledJob({ ...t.deps, files: store });
  assert.deepEqual(
    (await objectsIn(dir)).sort(),
    [
      fileKey(w.tenantA.id, justNow),
      fileKey(w.tenantA.id, kept.body.id),
    ].sort(),
    "the old orphan went; the recent one (maybe in flight) and the stored file stay",
  );
  t.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("without a file store the file routes say so", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const res = await call(t, "GET", "/api/v1/files/0193c0de-0000-7000-8000-000000000080", {
    token: w.tokens.consultant,
  });
  assertError(res, 503, "file_storage_unavailable");
  t.close();
});
