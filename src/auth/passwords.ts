/**
 * Password hashing with scrypt (memory-hard), in pure JS so the same code runs on
 * Deno and in Workers: Workers cap PBKDF2 at 100k iterations and refuse to compile
 * WebAssembly from bytes, which rules out native-strength PBKDF2 and wasm Argon2.
 *
 * Default cost N=2^14, r=8, p=5 is one of OWASP's scrypt settings and needs 16 MiB,
 * inside a Worker's 128 MB. The parameters travel in the stored hash, so the cost
 * can rise later without breaking existing hashes.
 * @module
 */
import { scryptAsync } from "@noble/hashes/scrypt.js";

export type ScryptCost = { N: number; r: number; p: number };

/** OWASP Password Storage Cheat Sheet, scrypt: N=2^14, r=8, p=5. */
export const OWASP_SCRYPT: ScryptCost = { N: 2 ** 14, r: 8, p: 5 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the time of one verification, so an unknown email answers as slowly as a known one. */
  burn(password: string): Promise<void>;
}

const encoder = new TextEncoder();
const KEY_LENGTH = 32;

function toB64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromB64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

async function derive(password: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  return await scryptAsync(encoder.encode(password.normalize("NFKC")), salt, {
    ...cost,
    dkLen: KEY_LENGTH,
    maxmem: 128 * cost.N * cost.r * cost.p + 1024 * 1024,
  });
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** A scrypt hasher producing `scrypt$N$r$p$salt$key` (base64 parts). */
export function scryptHasher(cost: ScryptCost = OWASP_SCRYPT): PasswordHasher {
  const dummySalt = new Uint8Array(16);
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const key = await derive(password, salt, cost);
      return `scrypt$${cost.N}$${cost.r}$${cost.p}$${toB64(salt)}$${toB64(key)}`;
    },
    async verify(password, stored) {
      const [scheme, n, r, p, salt, key] = stored.split("$");
      if (scheme !== "scrypt" || !key) return false;
      const storedCost = { N: Number(n), r: Number(r), p: Number(p) };
      return equalInConstantTime(await derive(password, fromB64(salt), storedCost), fromB64(key));
    },
    async burn(password) {
      await derive(password, dummySalt, cost);
    },
  };
}
