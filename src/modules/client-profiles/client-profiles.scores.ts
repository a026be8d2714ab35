/**
 * The score scales of the language tests a proficiency records. A score outside
 * its test's scale is refused (422 naming each bad field) rather than stored,
 * because visa and admission rules compare these numbers with thresholds.
 * @module
 */
import { LANGUAGE_TESTS } from "../../db/schema/index.ts";
import { ApiError } from "../../lib/errors.ts";

type LanguageTest = (typeof LANGUAGE_TESTS)[number];

/** A score scale: bounds, and the step scores move in (none: any number). */
type Scale = { min: number; max: number; step?: number };

const IELTS: Scale = { min: 0, max: 9, step: 0.5 };

/** The overall and band scales of each test. */
export const SCORE_SCALES: Record<LanguageTest, { name: string; overall: Scale; bands: Scale }> = {
  ielts_academic: { name: "IELTS Academic", overall: IELTS, bands: IELTS },
  ielts_general: { name: "IELTS General Training", overall: IELTS, bands: IELTS },
  pte_academic: {
    name: "PTE Academic",
    overall: { min: 10, max: 90, step: 1 },
    bands: { min: 10, max: 90, step: 1 },
  },
  toefl_ibt: {
    name: "TOEFL iBT",
    overall: { min: 0, max: 120, step: 1 },
    bands: { min: 0, max: 30, step: 1 },
  },
  cambridge_c1: {
    name: "Cambridge C1 Advanced",
    overall: { min: 80, max: 230, step: 1 },
    bands: { min: 80, max: 230, step: 1 },
  },
  oet: {
    name: "OET",
    overall: { min: 0, max: 500, step: 1 },
    bands: { min: 0, max: 500, step: 1 },
  },
  other: { name: "Other tests", overall: { min: 0, max: 1000 }, bands: { min: 0, max: 1000 } },
};

const BANDS = ["listening", "reading", "writing", "speaking"] as const;

type Scores = { test: LanguageTest; overall: number } & Record<typeof BANDS[number], number | null>;

function fits(value: number, scale: Scale): boolean {
  if (value < scale.min || value > scale.max) return false;
  return scale.step === undefined || Number.isInteger(value / scale.step);
}

function describe(name: string, scale: Scale): string {
  const step = scale.step === undefined
    ? ""
    : scale.step === 1
    ? ", whole numbers"
    : ` in steps of ${scale.step}`;
  return `${name} scores are ${scale.min}–${scale.max}${step}.`;
}

/** Throws 422 listing every score that does not fit its test's scale. */
export function requireValidScores(scores: Scores): void {
  const scales = SCORE_SCALES[scores.test];
  const problems: { path: string[]; message: string }[] = [];
  if (!fits(scores.overall, scales.overall)) {
    problems.push({
      path: ["overall"],
      message: describe(`${scales.name} overall`, scales.overall),
    });
  }
  for (const band of BANDS) {
    const value = scores[band];
    if (value !== null && !fits(value, scales.bands)) {
      problems.push({ path: [band], message: describe(`${scales.name} band`, scales.bands) });
    }
  }
  if (problems.length > 0) {
    throw new ApiError(422, "validation_error", problems[0].message, problems);
  }
}
