/**
 * The opinion map's contract (issue 18, /work/briefs/conv-contract.md): what the data helper
 * stores and the pages helper draws. Participant ids are whatever the caller uses.
 */
export type OpinionVote = -1 | 0 | 1; // disagree, pass, agree
/** The last vote per (participant, statement) pair. */
export interface VoteCell {
  participant: number;
  statement: number;
  vote: OpinionVote;
}
export interface PreviousAssignment {
  participant: number;
  group: number;
}
export interface MapOptions {
  /** default 7 (or every statement when there are fewer) */
  minVotes?: number;
  /**
   * the last map's assignments, to keep group numbers (and, unless clearly worse, k) stable; its
   * participants also stay in the map whatever their vote count now (Polis: once in, stays in)
   */
  previous?: readonly PreviousAssignment[] | null;
  /** deterministic by default */
  seed?: number;
}
export interface StatementGroupStat {
  group: number;
  agree: number;
  disagree: number;
  pass: number;
  seen: number;
}
export interface Repness {
  statement: number;
  direction: "agree" | "disagree";
  /** smoothed, within the group: (count + 1) / (seen + 2) */
  probability: number;
  /** the same for everyone else in the map */
  restProbability: number;
  /** probability / restProbability, and the two-proportion z of the difference */
  ratio: number;
  z: number;
  count: number;
  seen: number;
}
export interface StatementScore {
  statement: number;
  score: number;
  perGroup: StatementGroupStat[];
}
export interface OpinionMap {
  /** tooFew: fewer than a map can honestly be drawn from (reason says why) */
  status: "ok" | "tooFew";
  reason?: "participants" | "statements" | "votes";
  participantsVoting: number;
  participantsInMap: number;
  statements: number;
  votes: number;
  /** groups, 0 when tooFew */
  k: number;
  silhouette: number | null;
  /** share of variance of each component */
  explained: [number, number] | null;
  points: { participant: number; x: number; y: number; group: number }[];
  /** id 0..k-1 */
  groups: { id: number; size: number; representative: Repness[] }[];
  /** highest first */
  consensus: StatementScore[];
  /** highest first */
  divisive: StatementScore[];
  stats: {
    statement: number;
    perGroup: StatementGroupStat[];
    agree: number;
    disagree: number;
    pass: number;
  }[];
}
