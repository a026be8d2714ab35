/**
 * The checklist item status machine: requested → received → verified; received
 * or verified → rejected (with a reason) → received again; requested or
 * rejected → waived → requested. Any other move is a 409.
 * @module
 */
import type { ChecklistStatus } from "../../db/schema/index.ts";

const NEXT: Record<ChecklistStatus, readonly ChecklistStatus[]> = {
  requested: ["received", "waived"],
  received: ["verified", "rejected"],
  verified: ["rejected"],
  rejected: ["received", "waived"],
  waived: ["requested"],
};

/** The statuses an item may move to next. */
export function nextChecklistStatuses(from: ChecklistStatus): readonly ChecklistStatus[] {
  return NEXT[from];
}
