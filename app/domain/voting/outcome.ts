/**
 * A budget round's outcome from the site's own data: numeric project ids, whole-yuan costs,
 * approval ballots. A thin adapter over the pure tallies in ./tally (the same functions
 * `npm run tally` uses on Pabulib files), so the site and an independent recount cannot differ.
 */
import type { TallyMethod } from "./rules";
import { equalShares, greedy } from "./tally";

export interface TallyOutcome {
  /** Winning project ids, in the order the method bought them. */
  selected: number[];
  approvals: Map<number, number>;
  /** Whole yuan used by the winners. */
  spent: number;
}

export function runTally(
  method: TallyMethod,
  projects: ReadonlyArray<{ id: number; cost: number }>,
  budget: number,
  ballots: ReadonlyArray<readonly number[]>,
): TallyOutcome {
  const input = {
    // Submission order (the round's order) breaks ties, as the tally documents.
    projects: projects.map((p) => ({ id: String(p.id), cost: p.cost })),
    budget,
    ballots: ballots.map((b) => b.map(String)),
  };
  // A project nobody approved is not funded, even if money is left: residents did not ask for it.
  const result =
    method === "greedy"
      ? greedy(input, { minScore: 1 })
      : equalShares(input, { completion: "add-one" });
  return {
    selected: result.selected.map(Number),
    approvals: new Map(result.projects.map((p) => [Number(p.id), p.score])),
    // Whole-yuan costs add up to a whole number: the exact total's numerator.
    spent: Number(result.totalCost.num),
  };
}
