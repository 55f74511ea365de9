/**
 * A synthetic but plausible budget round, the same on every run: a fixed-seed PRNG, project costs
 * spread like neighbourhood micro-projects (a few thousand to a few hundred thousand yuan), and
 * voters who favour the projects of their own neighbourhood, so that Equal Shares has distinct
 * groups to serve and runs many rounds rather than funding one faction's list.
 */
import type { TallyInput } from "../../app/domain/voting/tally";
import { seededRandom } from "../../app/domain/random";

/** mulberry32: tiny, fast, and good enough to shuffle synthetic ballots reproducibly. */
export const prng = seededRandom;

export interface RoundShape {
  voters: number;
  projects: number;
  neighbourhoods: number;
  seed: number;
}

export const DEFAULT_SHAPE: RoundShape = {
  voters: 100_000,
  projects: 60,
  neighbourhoods: 6,
  seed: 20261127,
};

export function generateRound(shape: RoundShape = DEFAULT_SHAPE): TallyInput {
  const rnd = prng(shape.seed);
  const projects = Array.from({ length: shape.projects }, (_, i) => {
    // Log-uniform between 5,000 and 400,000 yuan, rounded to hundreds as proposals are.
    const cost = Math.round(Math.exp(Math.log(5_000) + rnd() * Math.log(80)) / 100) * 100;
    return {
      id: `p${i + 1}`,
      cost,
      home: i % shape.neighbourhoods,
      appeal: 0.2 + rnd() ** 2 * 3,
    };
  });
  const totalCost = projects.reduce((s, p) => s + p.cost, 0);
  // A third of what was asked for, rounded to ten thousands: most proposals cannot all be funded.
  const budget = Math.round(totalCost / 3 / 10_000) * 10_000;

  const ballots: string[][] = [];
  for (let v = 0; v < shape.voters; v++) {
    // Neighbourhoods of unequal size, so that proportionality matters.
    const home = Math.floor(rnd() ** 1.5 * shape.neighbourhoods);
    const want = 1 + Math.floor(rnd() * rnd() * 10);
    const weights = projects.map((p) => p.appeal * (p.home === home ? 6 : 1));
    let total = weights.reduce((s, w) => s + w, 0);
    const chosen: string[] = [];
    for (let k = 0; k < want; k++) {
      let x = rnd() * total;
      let i = 0;
      while (x >= weights[i]! && i < weights.length - 1) x -= weights[i++]!;
      chosen.push(projects[i]!.id);
      total -= weights[i]!;
      weights[i] = 0;
    }
    ballots.push(chosen);
  }
  return {
    projects: projects.map((p) => ({ id: p.id, cost: p.cost })),
    budget,
    ballots,
  };
}
