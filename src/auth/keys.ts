/**
 * Token signing keys: Ed25519 (EdDSA) through jose, which uses Web Crypto on every
 * runtime. The private JWK comes from the environment or a secret; the public half
 * is served at /.well-known/jwks.json so other services can verify tokens.
 * @module
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";

export type SigningKeys = {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWKs to publish (the current key first). */
  jwks: JWK[];
};

/** Imports a private Ed25519 JWK (with its `x`, from which the public key is built). */
export async function signingKeysFromJwk(privateJwk: JWK): Promise<SigningKeys> {
  if (privateJwk.kty !== "OKP" || privateJwk.crv !== "Ed25519" || !privateJwk.d) {
    throw new Error("JWT private key must be an Ed25519 private JWK (kty OKP, crv Ed25519, d)");
  }
  const publicJwk: JWK = { kty: "OKP", crv: "Ed25519", x: privateJwk.x };
  const kid = privateJwk.kid ?? await calculateJwkThumbprint(publicJwk);
  const privateKey = await importJWK({ ...privateJwk, alg: "EdDSA" }, "EdDSA") as CryptoKey;
  const publicKey = await importJWK({ ...publicJwk, alg: "EdDSA" }, "EdDSA") as CryptoKey;
  return { kid, privateKey, publicKey, jwks: [{ ...publicJwk, kid, alg: "EdDSA", use: "sig" }] };
}

/** A fresh Ed25519 private JWK (for a dev key file or a test). */
export async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x }) };
}
