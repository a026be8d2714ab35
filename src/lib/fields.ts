/**
 * Field types shared by request schemas, so a date or a country code is checked
 * the same way everywhere (SPEC §3).
 * @module
 */
import { z } from "@hono/zod-openapi";

/** A real calendar date `YYYY-MM-DD` (2026-02-30 is refused). */
export const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.").refine(
  (value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  },
  "Not a calendar date.",
).openapi({ example: "2027-03-31" });

/** A calendar month `YYYY-MM` (a course intake). */
export const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use YYYY-MM.").openapi({
  example: "2027-02",
});

/** ISO 3166-1 alpha-2, stored upper-case. */
export const countryCode = z.string().trim().toUpperCase().regex(
  /^[A-Z]{2}$/,
  "An ISO 3166 alpha-2 code, e.g. NP.",
)
  .openapi({ example: "NP" });

/**
 * An RFC 3339 instant (`Z` or an offset), turned into the UTC `toISOString()` form
 * instants are stored in, so stored values and filters compare as text.
 */
export const instant = z.iso.datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .openapi({ example: "2026-01-12T08:45:00Z" });

/** An email address, stored lower-case. */
export const emailAddress = z.string().trim().toLowerCase().pipe(z.email().max(254)).openapi({
  example: "asha.karki@example.com",
});

/** An id named in a body or filter: a non-empty string (an unknown one is answered 404 later). */
export const idRef = z.string().min(1).max(64).openapi({
  example: "0193c0de-0000-7000-8000-000000000003",
});

/** A required one-line name. */
export const personName = z.string().trim().min(1).max(100);

/** Free text with a bound, so one request cannot store megabytes in a note. */
export const longText = (max = 5000) => z.string().max(max);

/** `true`/`false` in a query string. */
export const queryBoolean = z.enum(["true", "false"]).transform((v) => v === "true");

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 currency code known to the runtime. */
export const currencyCode = z.string().regex(
  /^[A-Z]{3}$/,
  "An ISO 4217 code, e.g. AUD.",
)
  .refine((code) => CURRENCIES.has(code), "Not an ISO 4217 currency.").openapi({ example: "AUD" });

/** An amount of money in minor units (cents): integers only, so sums are exact. */
export const minorUnits = z.number().int().min(0).max(1_000_000_000_00).openapi({
  example: 125000,
});

/** Today's calendar date in an IANA time zone (SPEC §3: "today" is the tenant's). */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  })
    .format(now);
}

/** A user-id list filter (`assigned_to`, `created_by`) that also takes `me`, the caller. */
export const userFilter = (who: string) =>
  z.string().max(64).optional().openapi({
    description: `${who}'s user id, or \`me\` for the caller.`,
    example: "me",
  });

/** The user id a {@link userFilter} names: `me` is the caller. */
export function filterUserId(value: string, callerId: string): string {
  return value === "me" ? callerId : value;
}
