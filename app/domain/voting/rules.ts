/**
 * Polls and budget rounds: when they are open, what a valid ballot is, and a poll's count. Pure,
 * so the services, the paper-ballot entry and the tests share one definition of "valid".
 */
import { DomainError } from "../errors";

export const POLL_METHODS = ["single", "approval", "yesNo"] as const;
export type PollMethod = (typeof POLL_METHODS)[number];
export const TALLY_METHODS = ["greedy", "mes"] as const;
export type TallyMethod = (typeof TALLY_METHODS)[number];
/** The fixed options of a yes-no poll (their labels come from the reader's language). */
export const YES_NO = ["yes", "no", "abstain"] as const;
export type YesNo = (typeof YES_NO)[number];
/** Who may vote in a poll: the community's verified residents, or a meeting's seat holders. */
export const ELECTORATES = ["residents", "seatHolders"] as const;
export type Electorate = (typeof ELECTORATES)[number];
/** When a poll's count is shown: while it runs, or only once it has closed. */
export const RESULTS_SHOWN = ["live", "afterClose"] as const;
export type ResultsShown = (typeof RESULTS_SHOWN)[number];
/** How a ballot reached the count. */
export const BALLOT_CHANNELS = ["online", "paper"] as const;
export type BallotChannel = (typeof BALLOT_CHANNELS)[number];
export const MAX_OPTIONS = 12;
export const OPTION_ROWS = 6;

export type Phase = "upcoming" | "open" | "closed" | "cancelled";

/** A poll's or round's window, and whether the committee cancelled it (before it closed). */
export interface VoteWindow {
  opensAt: string;
  closesAt: string;
  /** Left out by callers that read no cancellation (it is then taken as not cancelled). */
  cancelledAt?: string | null;
}

/** Open from `opensAt` (inclusive) until `closesAt` (exclusive), unless cancelled. */
export function phaseOf(w: VoteWindow, now: Date = new Date()): Phase {
  if (w.cancelledAt) return "cancelled";
  const t = now.toISOString();
  if (t < w.opensAt) return "upcoming";
  return t < w.closesAt ? "open" : "closed";
}

/** Refuses a ballot outside its window: before opening and after closing are different messages. */
export function checkOpen(w: VoteWindow, now: Date = new Date()): void {
  const phase = phaseOf(w, now);
  if (phase === "cancelled") throw new DomainError(409, "vote:errors.cancelled");
  if (phase === "upcoming") throw new DomainError(409, "vote:errors.notOpenYet");
  if (phase === "closed") throw new DomainError(409, "vote:errors.closed");
}

/**
 * Refuses cancelling a poll or round that has closed (its ballots are counted and published, not
 * discarded) or that was cancelled already.
 */
export function checkCancellable(w: VoteWindow, now: Date = new Date()): void {
  const phase = phaseOf(w, now);
  if (phase === "cancelled") throw new DomainError(409, "vote:errors.alreadyCancelled");
  if (phase === "closed") throw new DomainError(409, "vote:errors.closedNotCancellable");
}

/** Distinct ids, or a refusal: a forged form that names an option twice must not count twice. */
function distinct(ids: readonly number[]): number[] {
  const set = new Set(ids);
  if (set.size !== ids.length)
    throw new DomainError(400, "vote:errors.duplicateChoice", {}, "choice");
  return [...set];
}

/** A poll ballot: option ids that exist, as many as the method allows. Returns them sorted. */
export function checkPollChoices(
  poll: { method: PollMethod; maxChoices: number },
  optionIds: readonly number[],
  chosen: readonly number[],
): number[] {
  const ids = distinct(chosen);
  if (ids.some((id) => !optionIds.includes(id))) {
    throw new DomainError(400, "vote:errors.noSuchOption", {}, "choice");
  }
  if (ids.length === 0) throw new DomainError(400, "vote:errors.chooseOne", {}, "choice");
  const max = poll.method === "approval" ? poll.maxChoices : 1;
  if (ids.length > max) {
    throw new DomainError(400, "vote:errors.tooManyChoices", { max }, "choice");
  }
  return ids.sort((a, b) => a - b);
}

export interface RoundRules {
  budget: number;
  minProjects: number;
  maxProjects: number | null;
}

/** A budget ballot: projects of the round, within the budget and the count limits. */
export function checkRoundChoices(
  round: RoundRules,
  costs: ReadonlyMap<number, number>,
  chosen: readonly number[],
): number[] {
  const ids = distinct(chosen);
  if (ids.some((id) => !costs.has(id))) {
    throw new DomainError(400, "vote:errors.noSuchProject", {}, "choice");
  }
  if (ids.length < round.minProjects) {
    throw new DomainError(400, "vote:errors.tooFewProjects", { min: round.minProjects }, "choice");
  }
  if (round.maxProjects !== null && ids.length > round.maxProjects) {
    throw new DomainError(400, "vote:errors.tooManyProjects", { max: round.maxProjects }, "choice");
  }
  const total = ids.reduce((sum, id) => sum + costs.get(id)!, 0);
  if (total > round.budget) {
    throw new DomainError(400, "vote:errors.overBudget", { total, budget: round.budget }, "choice");
  }
  return ids.sort((a, b) => a - b);
}

/** Votes per option, in the options' order; an option nobody chose counts 0. */
export function countPoll(
  optionIds: readonly number[],
  ballots: ReadonlyArray<readonly number[]>,
): Map<number, number> {
  const counts = new Map(optionIds.map((id) => [id, 0]));
  for (const ballot of ballots) {
    for (const id of ballot) if (counts.has(id)) counts.set(id, counts.get(id)! + 1);
  }
  return counts;
}

/**
 * Live results move in steps, so that nobody watching an open poll (the committee at its paper
 * desk, who sees who has voted) can see one ballot arrive: a new snapshot is released only when at
 * least `RELEASE_STEP_BALLOTS` ballots have come in since the last one, and not sooner than
 * `RELEASE_STEP_MINUTES` after it. The first one waits for the first step of ballots. What the
 * steps cannot hide: when every ballot of a step chose the same, so did each of its voters.
 */
export const RELEASE_STEP_BALLOTS = 10;
export const RELEASE_STEP_MINUTES = 5;

export function releaseDue(
  last: { ballots: number; releasedAt: string } | null,
  ballots: number,
  now: Date,
): boolean {
  if (ballots - (last?.ballots ?? 0) < RELEASE_STEP_BALLOTS) return false;
  return releaseTimeCome(last, now);
}

/**
 * Whether enough time has passed since the last release for another (always, before the first).
 * Checked before the ballots are counted: in the minutes between two releases no vote counts them.
 */
export function releaseTimeCome(last: { releasedAt: string } | null, now: Date): boolean {
  return (
    last === null || now.getTime() - Date.parse(last.releasedAt) >= RELEASE_STEP_MINUTES * 60_000
  );
}

/**
 * The paper box after closing, as the count stands: residents recorded at the window (`expected`),
 * ballots entered from the box and spoiled papers. A paper more than the voters recorded is
 * refused; fewer may be submitted only with a written reason (a resident kept their paper).
 */
export interface BoxTally {
  expected: number;
  entered: number;
  spoiled: number;
}

/** Refuses one more paper (a ballot or a spoiled one) when every recorded voter's is counted. */
export function checkRoomInBox(box: BoxTally): void {
  if (box.entered + box.spoiled >= box.expected) {
    throw new DomainError(409, "vote:errors.boxFull", { expected: box.expected });
  }
}

/** Refuses a count that does not account for every recorded voter without a reason. */
export function checkCountComplete(box: BoxTally, note: string): void {
  const missing = box.expected - box.entered - box.spoiled;
  if (missing > 0 && note.trim() === "") {
    throw new DomainError(400, "vote:errors.countShort", { missing }, "note");
  }
}

/**
 * Limits of the poll and round forms, in characters (yuan for the budget): the schemas and the
 * pages' inputs both read these. Kept here, free of zod, for the form components.
 */
export const QUESTION_MAX = 120;
export const POLL_DESCRIPTION_MAX = 1000;
export const OPTION_MAX = 80;
export const ROUND_TITLE_MAX = 80;
export const ROUND_DESCRIPTION_MAX = 2000;
export const ROUND_BUDGET_MAX = 50_000_000;
/** The most projects a round's "at least" and "at most" may name. */
export const ROUND_COUNT_MAX = 100;
/** Why the paper box held fewer papers than the residents recorded at the window. */
export const COUNT_NOTE_MAX = 500;
/** A receipt as typed: its 14 characters, with room for spaces instead of dashes. */
export const RECEIPT_TYPED_MAX = 20;

/**
 * Receipt codes: 12 characters of Crockford base32 (60 bits) in groups of four, easy to read
 * aloud and to copy from paper; no I, L, O or U.
 */
export const RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export function formatReceipt(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < 12; i++) out += RECEIPT_ALPHABET[bytes[i]! % 32];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

/** A receipt as someone typed it: case, spaces and dashes do not matter; O is 0, I and L are 1. */
export function normaliseReceipt(typed: string): string | null {
  const clean = typed.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(clean)) return null;
  return `${clean.slice(0, 4)}-${clean.slice(4, 8)}-${clean.slice(8, 12)}`;
}
