/**
 * 意见征集 (conversations, issue 18): the limits, the enums and the window. Pure: the services and
 * the pages read them, db/schema.ts types its columns with them.
 */

/** Who may take part: the council's community's verified residents, or the meeting's seat holders. */
export const ELIGIBILITIES = ["residents", "seats"] as const;
export type Eligibility = (typeof ELIGIBILITIES)[number];

export const STATEMENT_STATUSES = ["pending", "accepted", "rejected"] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

/** The three answers to a statement, as a form sends them and as the map counts them. */
export const VOTE_CHOICES = ["agree", "disagree", "pass"] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];
export const VOTE_VALUE: Record<VoteChoice, -1 | 0 | 1> = { agree: 1, disagree: -1, pass: 0 };
export const VOTE_VALUES = [-1, 0, 1] as const;
export type VoteValue = (typeof VOTE_VALUES)[number];

/** What an attached statement stands for on the agenda. */
export const AGENDA_STATEMENT_KINDS = ["consensus", "divisive"] as const;
export type AgendaStatementKind = (typeof AGENDA_STATEMENT_KINDS)[number];

export const QUESTION_MIN = 4;
export const QUESTION_MAX = 200;
export const DESCRIPTION_MAX = 2_000;
/** One idea each, as Polis asks: 140 characters after trimming. */
export const STATEMENT_MAX = 140;
/** Seed statements the committee gives at the start, one a line. */
export const SEEDS_MAX = 50;
export const REJECT_REASON_MAX = 200;
/** Statements attached to an agenda item in one go. */
export const ATTACH_MAX = 20;

export type WindowState = "upcoming" | "open" | "closed";

/** Where a conversation stands at `now`: before it opens, open, or closed (at its time or early). */
export function windowState(
  c: { opensAt: string; closesAt: string; closedAt: string | null },
  now: Date,
): WindowState {
  const at = now.toISOString();
  if (c.closedAt !== null || at >= c.closesAt) return "closed";
  return at < c.opensAt ? "upcoming" : "open";
}
