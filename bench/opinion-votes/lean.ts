/**
 * How the benchmark's people answer, shared by prepare.ts (the earlier votes) and load.ts (the
 * votes under load): each person leans one of three ways (by user id), each statement has a
 * stance per leaning (by statement id), and a person answers along their leaning most of the time,
 * passes sometimes and goes against it now and then. Random answers would give the map no groups
 * to find, which is neither realistic nor the map's real cost.
 */
export type VoteWord = "agree" | "disagree" | "pass";

/** The stance (1 agree, -1 disagree, 0 pass) of leaning `g` on statement `s`: fixed, spread out. */
function stance(g: number, s: number): -1 | 0 | 1 {
  const h = (Math.imul(s + 1, 2654435761) >>> 0) ^ Math.imul(g + 1, 40503);
  return (((h >>> 7) % 3) - 1) as -1 | 0 | 1;
}

/** One person's answer to one statement; `r` is a random number in [0, 1). */
export function leaningVote(userId: number, statementId: number, r: number): -1 | 0 | 1 {
  const s = stance(userId % 3, statementId);
  if (r < 0.7) return s;
  if (r < 0.85) return 0;
  return s === 0 ? (r < 0.93 ? 1 : -1) : (-s as -1 | 1);
}

export const wordOf = (v: -1 | 0 | 1): VoteWord => (v > 0 ? "agree" : v < 0 ? "disagree" : "pass");
