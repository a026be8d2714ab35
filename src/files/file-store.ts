/**
 * Where uploaded files live, behind one interface the entry chooses (Deno: a
 * local directory; a Worker: none yet, so its file routes answer 503), and the
 * checks every upload passes before anything is stored: the type recognised
 * from the bytes themselves, a name without a path.
 * @module
 */

export type FileStore = {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or null when no object has that key. */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  /** Every key under `prefix` (for the orphan sweep). */
  list(prefix: string): AsyncIterable<string>;
};

/** The object key of a file: the tenant's prefix and the file's own id, nothing from the caller. */
export function fileKey(tenantId: string, fileId: string): string {
  return `${filePrefix(tenantId)}${fileId}`;
}

/** Where a tenant's files are. */
export function filePrefix(tenantId: string): string {
  return `tenants/${tenantId}/files/`;
}

const SIGNATURES: { type: string; bytes: number[] }[] = [
  { type: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
];

/** The content type the first bytes prove, or null for anything else. */
export function detectContentType(bytes: Uint8Array): string | null {
  const match = SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b));
  return match?.type ?? null;
}

/** The SHA-256 of the bytes, in hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A file name as stored and offered back: control characters and quotes
 * dropped, at most 200 characters; null when it names a path (or nothing).
 */
export function cleanFileName(name: string): string | null {
  if (/[\/\\]/.test(name)) return null;
  // Control characters, quotes, and bidi and line-separator marks (which can make
  // "fdp.exe.pdf" read as something else); at most 200 characters, whole ones.
  const clean = Array.from(
    name.replace(
      // deno-lint-ignore no-control-regex
      /[\u0000-\u001f\u007f-\u009f"\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      "",
    )
      .trim(),
  ).slice(0, 200).join("");
  return clean === "" || clean === "." || clean === ".." ? null : clean;
}
