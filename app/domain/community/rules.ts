/**
 * Places and belonging: the levels of the one tree of areas (from the top down), and where a
 * resident's request to join a community stands.
 */
export const AREA_LEVELS = ["district", "street", "community", "grid"] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const MEMBERSHIP_STATUSES = ["pending", "verified", "declined"] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** A committee's note to a resident when deciding their request to join. */
export const DECISION_REASON_MAX = 200;
