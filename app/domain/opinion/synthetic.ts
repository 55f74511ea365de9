import { seededRandom } from "../random";
import type { OpinionVote, VoteCell } from "./types";

/**
 * Seeded synthetic conversations with a known group structure, for tests and bench/opinion: each
 * group has, per statement, a leaning (agree, disagree or split); each participant votes on a
 * random subset of statements, most on few and some on many (a Pareto tail, as in the shared
 * Polis conversations, where the median voter answers a handful and a few answer nearly all).
 */
export interface SyntheticOptions {
  participants: number;
  statements: number;
  /** relative group sizes, e.g. [3, 2, 1] */
  groups: number[];
  /** smallest number of votes a participant gives (before the cap of `statements`) */
  minVotes: number;
  /** Pareto shape of votes per participant: larger is lighter-tailed */
  tail: number;
  /** chance that a vote follows the group's leaning rather than being agree/disagree/pass at random */
  fidelity: number;
  seed: number;
}

export interface Synthetic {
  votes: VoteCell[];
  statements: number[];
  /** participant → the group they were drawn from */
  truth: Map<number, number>;
}

export function syntheticConversation(o: SyntheticOptions): Synthetic {
  const random = seededRandom(o.seed);
  const total = o.groups.reduce((a, b) => a + b, 0);
  // Each group's leaning on each statement: 1 agree, −1 disagree, 0 split.
  const leaning = o.groups.map(() =>
    Array.from({ length: o.statements }, () => {
      const r = random();
      return r < 0.4 ? 1 : r < 0.75 ? -1 : 0;
    }),
  );
  const statements = Array.from({ length: o.statements }, (_, j) => j + 1);
  const votes: VoteCell[] = [];
  const truth = new Map<number, number>();
  const order = Array.from({ length: o.statements }, (_, j) => j);
  for (let p = 0; p < o.participants; p++) {
    let r = random() * total;
    let g = 0;
    while (r >= o.groups[g]! && g < o.groups.length - 1) r -= o.groups[g++]!;
    truth.set(p + 1, g);
    const count = Math.min(
      o.statements,
      Math.floor(o.minVotes / Math.pow(1 - random(), 1 / o.tail)),
    );
    // A partial Fisher–Yates shuffle picks which statements this participant sees.
    for (let c = 0; c < count; c++) {
      const swap = c + Math.floor(random() * (o.statements - c));
      [order[c], order[swap]] = [order[swap]!, order[c]!];
      const j = order[c]!;
      const lean = leaning[g]![j]!;
      // Otherwise agree, disagree or pass with equal chances.
      const vote: OpinionVote =
        lean !== 0 && random() < o.fidelity
          ? (lean as OpinionVote)
          : ((Math.floor(random() * 3) - 1) as OpinionVote);
      votes.push({ participant: p + 1, statement: j + 1, vote });
    }
  }
  return { votes, statements, truth };
}
