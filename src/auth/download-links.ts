/**
 * Download links for browsers (an `<a href>` cannot send an Authorization
 * header, and a long-lived token must never sit in a URL): a link is an EdDSA
 * JWT of one minute for one file, bound to the session it was made in, so
 * logout, deactivation and a lost scope end it too (the file is looked up in
 * the scope of its user at download time). Stateless, so any region can check it.
 * @module
 */
import { jwtVerify, SignJWT } from "jose";
import type { AppConfig } from "../config.ts";
import type { SigningKeys } from "./keys.ts";

export const DOWNLOAD_LINK_TTL_SECONDS = 60;

const audienceOf = (config: Pick<AppConfig, "audience">) => `${config.audience}:file-download`;

/** A link token for `fileId`, acting as `userId` in session `sessionId`. */
export async function signDownloadLink(
  keys: SigningKeys,
  config: Pick<AppConfig, "issuer" | "audience">,
  who: { userId: string; sessionId: string },
  fileId: string,
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return await new SignJWT({ sid: who.sessionId, fid: fileId })
    .setProtectedHeader({ alg: "EdDSA", kid: keys.kid, typ: "JWT" })
    .setSubject(who.userId)
    .setIssuer(config.issuer)
    .setAudience(audienceOf(config))
    .setIssuedAt(iat)
    .setExpirationTime(iat + DOWNLOAD_LINK_TTL_SECONDS)
    .sign(keys.privateKey);
}

/** Who a link acts as, if it is valid, unexpired and made for `fileId`; else null. */
export async function verifyDownloadLink(
  token: string,
  keys: SigningKeys,
  config: Pick<AppConfig, "issuer" | "audience">,
  fileId: string,
  now: Date,
): Promise<{ userId: string; sessionId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ["EdDSA"],
      issuer: config.issuer,
      audience: audienceOf(config),
      currentDate: now,
      requiredClaims: ["sub", "exp"],
    });
    if (payload.fid !== fileId || typeof payload.sid !== "string" || !payload.sub) return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    return null;
  }
}
