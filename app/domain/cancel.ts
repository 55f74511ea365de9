/**
 * Cancelling a meeting, a poll or a budget round: the committee says why, and the reason is
 * published with the fact (on the page, in the audit log). One limit for all three. No zod here:
 * pages import the limit for their forms (the schema is in `./cancel-schema.ts`).
 */

/** Characters: a sentence or two, short enough to read aloud and to print on a notice. */
export const CANCEL_REASON_MAX = 200;
