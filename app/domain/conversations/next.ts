/**
 * Which statement a participant is shown next: a pure rule, so that it can be tested on its own
 * and the service only gathers its inputs.
 *
 * The aims (issue 18, item 3): every statement should get enough votes for the map, and once a map
 * exists, the statements that separate the groups are worth more votes, since they place people.
 * So each statement the person has not voted on gets a priority
 *
 *     (1 + SEPARATION_WEIGHT × separation) / (1 + log2(1 + votes))
 *
 * where `votes` is how many people answered it and `separation` (0–1) how differently the groups
 * agreed with it in the last map (0 when there is no map). The log keeps a statement with many
 * votes from sinking forever once it separates the groups well. Seed statements get no bonus of
 * their own: having no votes at the start already puts them first.
 *
 * Ties (the common case at the start: every statement at zero votes) are broken by a hash of the
 * person and the statement, not by id: people then start on different statements, and the same
 * person sees the same next statement on reload (a page without JavaScript posts and reloads).
 */

/** How much a statement that splits the groups completely outweighs one that does not. */
export const SEPARATION_WEIGHT = 2;

export interface Candidate {
  id: number;
  body: string;
  /** People who answered it (agree, disagree or pass). */
  votes: number;
  /** 0–1: the spread of the groups' agreement in the last map; 0 without a map. */
  separation: number;
}

export function priorityOf(c: Pick<Candidate, "votes" | "separation">): number {
  const sep = Math.min(1, Math.max(0, Number.isFinite(c.separation) ? c.separation : 0));
  return (1 + SEPARATION_WEIGHT * sep) / (1 + Math.log2(1 + Math.max(0, c.votes)));
}

/** A small deterministic hash of two integers, in [0, 1): spreads ties between people. */
export function tieBreak(participant: number, statement: number): number {
  let h = 0x811c9dc5 ^ participant;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ statement ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/**
 * The statement to show next, or null when the person has answered every one.
 * `candidates` are the accepted statements; `voted` those the person already answered.
 */
export function pickNextStatement(
  participant: number,
  candidates: readonly Candidate[],
  voted: ReadonlySet<number>,
): Candidate | null {
  let best: Candidate | null = null;
  let bestScore = -Infinity;
  let bestTie = -Infinity;
  for (const c of candidates) {
    if (voted.has(c.id)) continue;
    const score = priorityOf(c);
    const tie = tieBreak(participant, c.id);
    // Equal within rounding counts as equal: the tie-break decides.
    if (score > bestScore + 1e-12 || (Math.abs(score - bestScore) <= 1e-12 && tie > bestTie)) {
      best = c;
      bestScore = score;
      bestTie = tie;
    }
  }
  return best;
}

/**
 * How differently the groups agreed with a statement: the largest minus the smallest share of
 * agreement among the groups that saw it (each group's agree / seen), 0 with fewer than two groups.
 */
export function separationOf(perGroup: readonly { agree: number; seen: number }[]): number {
  const shares = perGroup.filter((g) => g.seen > 0).map((g) => g.agree / g.seen);
  if (shares.length < 2) return 0;
  return Math.max(...shares) - Math.min(...shares);
}
