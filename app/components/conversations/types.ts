/**
 * What the conversation's pieces show, as the route hands it over (JSON from the loader). The
 * components know only these shapes, not the services' rows: the route is the one place that
 * maps one to the other.
 */
export type VoteWord = "agree" | "disagree" | "pass";
export type WindowState = "upcoming" | "open" | "closed";

export interface StatementView {
  id: number;
  body: string;
}

export interface StatementTotals extends StatementView {
  agree: number;
  disagree: number;
  pass: number;
}

export interface MyVote extends StatementView {
  vote: VoteWord;
}

export interface GroupStat {
  group: number;
  agree: number;
  disagree: number;
  pass: number;
  seen: number;
}

export interface RepnessView {
  statement: number;
  direction: "agree" | "disagree";
  probability: number;
  restProbability: number;
  count: number;
  seen: number;
}

export interface ScoreView {
  statement: number;
  score: number;
  perGroup: GroupStat[];
}

export type MapView =
  | { status: "none" }
  | {
      status: "tooFew";
      reason: "participants" | "statements" | "votes" | null;
      computedAt: string | null;
    }
  | {
      status: "ok";
      computedAt: string | null;
      votes: number;
      participantsInMap: number;
      groups: { id: number; size: number; representative: RepnessView[] }[];
      consensus: ScoreView[];
      divisive: ScoreView[];
    };

/** A vote's stored number (−1, 0, 1) or word, as a word. */
export function voteWord(v: number | string): VoteWord {
  if (v === 1 || v === "agree") return "agree";
  if (v === -1 || v === "disagree") return "disagree";
  return "pass";
}

export const VOTE_WORDS: readonly VoteWord[] = ["agree", "disagree", "pass"];

/** The export files, in the Polis open-data layout, and their locale keys. */
export const EXPORT_FILES = [
  ["comments.csv", "comments"],
  ["votes.csv", "votes"],
  ["participants-votes.csv", "participantsVotes"],
  ["summary.csv", "summary"],
] as const;

/** Group 0, 1, 2 … as Polis names them: A, B, C … (the tables and the chart's legend alike). */
export function groupLetter(group: number): string {
  return String.fromCharCode(65 + group);
}
