/**
 * Access tokens (short-lived EdDSA JWTs) and refresh tokens (opaque, rotated,
 * stored only as a SHA-256 digest).
 * @module
 */
import { errors, jwtVerify, SignJWT } from "jose";
import type { AppConfig } from "../config.ts";
import { uuidv7 } from "../lib/ids.ts";
import { lruPerOwner } from "../lib/lru.ts";
import type { Role } from "../scope/roles.ts";
import type { SigningKeys } from "./keys.ts";

export type AccessClaims = {
  sub: string;
  tid: string | null;
  rid: string | null;
  bid: string | null;
  role: Role;
  sid: string;
};

/** Signs an access token for a user's session. */
export async function signAccessToken(
  claims: AccessClaims,
  keys: SigningKeys,
  config: AppConfig,
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return await new SignJWT({
    tid: claims.tid,
    rid: claims.rid,
    bid: claims.bid,
    role: claims.role,
    sid: claims.sid,
  })
    .setProtectedHeader({ alg: "EdDSA", kid: keys.kid, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.accessTokenTtlSeconds)
    .setJti(uuidv7(now.getTime()))
    .sign(keys.privateKey);
}

/** Why a token was refused; the message is safe to show. */
export type TokenProblem = { code: "token_expired" | "invalid_token"; message: string };

/** Verified tokens, per key set: the signature check was 7 % of a list request. */
const verifiedFor = lruPerOwner<SigningKeys, string, { claims: AccessClaims; exp: number }>(
  10_000,
);

/**
 * Verifies signature (EdDSA only: `alg: none` and HMAC confusion are refused),
 * issuer, audience and expiry at the injected clock's time. A token that passed
 * once is remembered by its exact text until it expires: the signature, issuer
 * and audience of a given string cannot change, so only the expiry is checked
 * again. Whether its user and session may still act is not a claim; the live-actor
 * check asks the database on every request.
 */
export async function verifyAccessToken(
  token: string,
  keys: SigningKeys,
  config: AppConfig,
  now: Date,
): Promise<AccessClaims | TokenProblem> {
  const cache = verifiedFor(keys);
  const seconds = Math.floor(now.getTime() / 1000);
  const known = cache.get(token);
  if (known) {
    if (known.exp > seconds) return known.claims;
    cache.delete(token);
    return { code: "token_expired", message: "The access token has expired." };
  }
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ["EdDSA"],
      issuer: config.issuer,
      audience: config.audience,
      currentDate: now,
      requiredClaims: ["sub", "exp", "iat", "jti"],
    });
    if (typeof payload.sid !== "string" || typeof payload.sub !== "string") {
      return { code: "invalid_token", message: "The access token is not valid." };
    }
    const claims: AccessClaims = {
      sub: payload.sub,
      sid: payload.sid,
      tid: (payload.tid as string | null) ?? null,
      rid: (payload.rid as string | null) ?? null,
      bid: (payload.bid as string | null) ?? null,
      role: payload.role as Role,
    };
    // A token with a not-before claim is left to jose each time (we issue none).
    if (payload.nbf === undefined) {
      cache.set(token, { claims, exp: payload.exp! });
    }
    return claims;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      return { code: "token_expired", message: "The access token has expired." };
    }
    return { code: "invalid_token", message: "The access token is not valid." };
  }
}

/** A new opaque token (256 random bits, base64url): refresh tokens, stream tickets. */
export function newOpaqueToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

/** The stored form of an opaque token: its SHA-256, hex. */
export async function digestToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
