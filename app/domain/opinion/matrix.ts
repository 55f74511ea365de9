import type { OpinionVote, VoteCell } from "./types";

/**
 * The participant × statement matrix, as Polis builds it: agree 1, disagree −1, pass 0, and a
 * missing vote imputed with the statement's mean among those who voted on it (so a missing vote
 * says "like the average voter", and adds nothing once the matrix is centred).
 */
export interface VoteMatrix {
  /** participant ids, one per row, ascending (so the input's order cannot change the map) */
  participants: number[];
  /** statement ids, one per column: the accepted statements with at least one vote, ascending */
  statements: number[];
  /** row-major, rows × columns, missing votes imputed with the column mean */
  values: Float64Array;
  /** row-major: the vote given, or NaN where the participant did not vote */
  raw: Float64Array;
  /** each column's mean among its voters */
  means: Float64Array;
  /** votes per participant (on the columns above) */
  votesPerParticipant: Int32Array;
  /** the votes counted, after keeping only accepted statements and the last vote per pair */
  votes: number;
}

export function buildMatrix(votes: readonly VoteCell[], accepted: readonly number[]): VoteMatrix {
  const acceptedSet = new Set(accepted);
  const participantSet = new Set<number>();
  const statementSet = new Set<number>();
  for (const cell of votes) {
    // A vote that is not −1, 0 or 1 (a caller's bug) is left out rather than bending the axes.
    if (!acceptedSet.has(cell.statement) || !isVote(cell.vote)) continue;
    participantSet.add(cell.participant);
    statementSet.add(cell.statement);
  }
  const participants = [...participantSet].sort((a, b) => a - b);
  const statements = [...statementSet].sort((a, b) => a - b);
  const row = new Map(participants.map((p, i) => [p, i]));
  const col = new Map(statements.map((s, j) => [s, j]));
  const n = participants.length;
  const m = statements.length;
  const raw = new Float64Array(n * m).fill(Number.NaN);
  // The last vote per pair wins, as the contract says VoteCells already are; a caller passing a
  // history still gets the latest.
  for (const cell of votes) {
    const j = col.get(cell.statement);
    if (j === undefined || !isVote(cell.vote)) continue;
    raw[row.get(cell.participant)! * m + j] = cell.vote;
  }
  const sums = new Float64Array(m);
  const counts = new Int32Array(m);
  const votesPerParticipant = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = raw[i * m + j]!;
      if (Number.isNaN(v)) continue;
      sums[j]! += v;
      counts[j]! += 1;
      votesPerParticipant[i]! += 1;
      total++;
    }
  }
  const means = new Float64Array(m);
  for (let j = 0; j < m; j++) means[j] = sums[j]! / counts[j]!;
  const values = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = raw[i * m + j]!;
      values[i * m + j] = Number.isNaN(v) ? means[j]! : v;
    }
  }
  return { participants, statements, values, raw, means, votesPerParticipant, votes: total };
}

/** The votes a participant needs to enter the map: minVotes, or every statement when fewer. */
export const votesToEnter = (minVotes: number, statements: number) =>
  Math.min(minVotes, statements);

export const isVote = (x: unknown): x is OpinionVote => x === -1 || x === 0 || x === 1;
