/**
 * The S3 store against a stand-in S3 endpoint on 127.0.0.1 (no S3 service runs
 * here): objects by path-style key, and every request signed with SigV4 for the
 * configured key, region and service (the stand-in signs the request again at
 * its own x-amz-date and compares).
 */
import assert from "node:assert/strict";
import { AwsV4Signer } from "aws4fetch";
import { s3FileStore } from "./s3-file-store.ts";

const CREDENTIALS = { accessKeyId: "AKIDLEOPARD", secretAccessKey: "s3cr3t-leopard" };

function standInS3() {
  const objects = new Map<string, Uint8Array>();
  const problems: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = req.method === "PUT" ? new Uint8Array(await req.arrayBuffer()) : undefined;
    const given = req.headers.get("authorization") ?? "";
    // Only what the client signed: fetch adds headers of its own (accept, user-agent…).
    const signed = /SignedHeaders=([^,]+)/.exec(given)?.[1].split(";") ?? [];
    const headers = new Headers();
    for (const name of signed) {
      if (name !== "host") headers.set(name, req.headers.get(name) ?? "");
    }
    const amzDate = req.headers.get("x-amz-date") ?? "";
    const expected = await new AwsV4Signer({
      ...CREDENTIALS,
      url: req.url,
      method: req.method,
      headers,
      body,
      service: "s3",
      region: "eu-test-1",
      datetime: amzDate,
    }).sign();
    if (expected.headers.get("authorization") !== given) {
      problems.push(`bad signature ${req.url}`);
      return new Response("<Error><Code>SignatureDoesNotMatch</Code></Error>", { status: 403 });
    }
    const url = new URL(req.url);
    const key = url.pathname;
    if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
      const prefix = `${key}/${url.searchParams.get("prefix") ?? ""}`;
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix))
        .map((k) => `<Contents><Key>${k.slice(key.length + 1)}</Key></Contents>`);
      return new Response(
        `<ListBucketResult><IsTruncated>false</IsTruncated>${keys.join("")}</ListBucketResult>`,
      );
    }
    if (req.method === "PUT") {
      objects.set(key, body!);
      return new Response(null, { status: 200 });
    }
    if (req.method === "GET") {
      const object = objects.get(key);
      return object ? new Response(object as BodyInit) : new Response("NoSuchKey", { status: 404 });
    }
    if (req.method === "DELETE") {
      objects.delete(key);
      return new Response(null, { status: 204 });
    }
    return new Response(null, { status: 405 });
  });
  return { server, objects, problems, endpoint: `http://127.0.0.1:${server.addr.port}` };
}

Deno.test("the S3 store puts, gets and deletes signed objects under its bucket", async () => {
  const s3 = standInS3();
  try {
    const store = s3FileStore({
      endpoint: s3.endpoint,
      bucket: "leopard-files",
      region: "eu-test-1",
      ...CREDENTIALS,
    });
    const key =
      "tenants/0193c0de-0000-7000-8000-000000000001/files/0193c0de-0000-7000-8000-00000000008a";
    const bytes = new TextEncoder().encode("%PDF-1.7 scan");
    await store.put(key, bytes, "application/pdf");
    assert.deepEqual([...s3.objects.keys()], [`/leopard-files/${key}`]);
    assert.deepEqual(await store.get(key), bytes);
    assert.deepEqual(
      await Array.fromAsync(store.list("tenants/0193c0de-0000-7000-8000-000000000001/")),
      [key],
    );
    assert.deepEqual(await Array.fromAsync(store.list("tenants/another/")), []);
    assert.equal(await store.get(`${key}-missing`), null);
    await store.delete(key);
    assert.equal(s3.objects.size, 0);
    assert.deepEqual(s3.problems, []);

    const wrong = s3FileStore({
      endpoint: s3.endpoint,
      bucket: "leopard-files",
      region: "eu-test-1",
      accessKeyId: CREDENTIALS.accessKeyId,
      secretAccessKey: "not-the-secret",
    });
    await assert.rejects(wrong.put(key, bytes, "application/pdf"), /S3 PUT answered 403/);
    assert.equal(s3.problems.length, 1, "a request signed with another secret is told apart");
    assert.equal(s3.objects.size, 0);
  } finally {
    await s3.server.shutdown();
  }
});
