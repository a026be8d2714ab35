/**
 * Any S3-compatible object store (Cloudflare R2 over its S3 API, AWS S3, MinIO)
 * through aws4fetch, which signs each request with SigV4 using only fetch and
 * Web Crypto, so the same store runs on Deno and in a Worker. Objects are
 * addressed path-style: `<endpoint>/<bucket>/<key>`.
 * @module
 */
import { AwsClient } from "aws4fetch";
import type { FileStore } from "./file-store.ts";

export type S3Options = {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
};

const unescapeXml = (text: string) =>
  text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'").replaceAll("&amp;", "&");

export function s3FileStore(options: S3Options, send: typeof fetch = fetch): FileStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    service: "s3",
    region: options.region,
  });
  const base = `${options.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(options.bucket)}`;
  const call = async (key: string, init: RequestInit): Promise<Response> => {
    const path = key.split("/").map(encodeURIComponent).join("/");
    return await send(await client.sign(`${base}/${path}`, init));
  };
  const failed = async (what: string, res: Response) => {
    await res.body?.cancel();
    return new Error(`S3 ${what} answered ${res.status}`);
  };
  return {
    async put(key, bytes, contentType) {
      const res = await call(key, {
        method: "PUT",
        body: bytes as BufferSource,
        headers: { "content-type": contentType },
      });
      if (!res.ok) throw await failed("PUT", res);
      await res.body?.cancel();
    },
    async get(key) {
      const res = await call(key, { method: "GET" });
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) throw await failed("GET", res);
      return new Uint8Array(await res.arrayBuffer());
    },
    async *list(prefix) {
      // ListObjectsV2, a page of up to 1,000 keys at a time.
      let token: string | undefined;
      do {
        const url = new URL(base);
        url.searchParams.set("list-type", "2");
        url.searchParams.set("prefix", prefix);
        if (token) url.searchParams.set("continuation-token", token);
        const res = await send(await client.sign(url.toString(), { method: "GET" }));
        if (!res.ok) throw await failed("LIST", res);
        const xml = await res.text();
        for (const [, key] of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) yield unescapeXml(key);
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
          ? /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1]
          : undefined;
      } while (token);
    },
    async delete(key) {
      const res = await call(key, { method: "DELETE" });
      if (!res.ok && res.status !== 404) throw await failed("DELETE", res);
      await res.body?.cancel();
    },
  };
}
