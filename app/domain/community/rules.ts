/** A committee's note to a resident when deciding their request to join. */
export const DECISION_REASON_MAX = 200;
