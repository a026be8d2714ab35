/**
 * The visa application status machine (SPEC §3): draft → preparing → lodged ⇄
 * further_information_requested → granted | refused, and withdrawn from any state
 * that is not final. Any other move is a 409.
 * @module
 */
import type { VisaApplicationStatus } from "../../db/schema/index.ts";

const NEXT: Record<VisaApplicationStatus, readonly VisaApplicationStatus[]> = {
  draft: ["preparing", "withdrawn"],
  preparing: ["lodged", "withdrawn"],
  lodged: ["further_information_requested", "granted", "refused", "withdrawn"],
  further_information_requested: ["lodged", "granted", "refused", "withdrawn"],
  granted: [],
  refused: [],
  withdrawn: [],
};

/** True when an application may move from one status to the other. */
export function canMove(from: VisaApplicationStatus, to: VisaApplicationStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses an application may move to next. */
export function nextStatuses(from: VisaApplicationStatus): readonly VisaApplicationStatus[] {
  return NEXT[from];
}
