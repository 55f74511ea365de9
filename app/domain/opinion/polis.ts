import { csvObjects } from "./csv";
import { computeOpinionMap, MIN_VOTES } from "./map";
import type { OpinionMap, OpinionVote, VoteCell } from "./types";

/**
 * Reads a Polis open-data export (comments.csv, votes.csv; see /work/shared/polis/README.md) into
 * the map's input, the way Polis's own map reads its conversation:
 *
 * - `moderated` 1 (accepted) and 0 (not yet moderated) are statements: Polis leaves unmoderated
 *   comments in its map unless the conversation is strictly moderated.
 * - `moderated` −1 (moderated out): Polis does not drop the column, it sets every participant's
 *   vote on it to 0 (named_matrix.clj zero-out-columns). Such a column has no variance and moves
 *   no one, but it counts in the √(statements / votes) scaling of sparse voters, which changes
 *   the picture a good deal (README-opinion.md). `zeroModeratedOut` (default true) does the same
 *   with a pass vote from every participant on each moderated-out comment that has votes; the
 *   caller adds `zeroed` to minVotes so that only real votes count towards entering the map.
 */
export interface PolisInput {
  votes: VoteCell[];
  /** the comment ids given to the map as statements */
  statements: number[];
  /** moderated-out comments turned into columns of passes (0 when zeroModeratedOut is off) */
  zeroed: number;
}

export function readPolisExport(
  files: { comments: string; votes: string },
  options: { unmoderated?: boolean; zeroModeratedOut?: boolean } = {},
): PolisInput {
  const keepUnmoderated = options.unmoderated ?? true;
  const zeroOut = options.zeroModeratedOut ?? true;
  const statements: number[] = [];
  const moderatedOut = new Set<number>();
  for (const row of csvObjects(files.comments)) {
    const id = Number(row["comment-id"]);
    const moderated = Number(row["moderated"]);
    if (!Number.isInteger(id)) continue;
    if (moderated === 1 || (moderated === 0 && keepUnmoderated)) statements.push(id);
    else if (moderated === -1) moderatedOut.add(id);
  }
  // votes.csv is in time order and a later vote replaces an earlier one; sorting by timestamp
  // (stably) keeps that true for a file someone has reordered.
  const rows = csvObjects(files.votes)
    .map((row, line) => ({ row, line, time: Number(row["timestamp"]) }))
    .sort((a, b) => a.time - b.time || a.line - b.line);
  const kept = new Set(statements);
  const last = new Map<string, VoteCell>();
  const participants = new Set<number>();
  const votedOut = new Set<number>();
  for (const { row } of rows) {
    const participant = Number(row["voter-id"]);
    const statement = Number(row["comment-id"]);
    const vote = Number(row["vote"]);
    if (!Number.isInteger(participant) || !Number.isInteger(statement)) continue;
    if (vote !== -1 && vote !== 0 && vote !== 1) continue;
    participants.add(participant);
    if (moderatedOut.has(statement)) {
      votedOut.add(statement);
      continue;
    }
    if (!kept.has(statement)) continue;
    last.set(`${participant}:${statement}`, { participant, statement, vote: vote as OpinionVote });
  }
  const votes = [...last.values()];
  if (!zeroOut) return { votes, statements, zeroed: 0 };
  const zeroedColumns = [...votedOut].sort((a, b) => a - b);
  for (const statement of zeroedColumns) {
    for (const participant of participants) votes.push({ participant, statement, vote: 0 });
  }
  return { votes, statements: [...statements, ...zeroedColumns], zeroed: zeroedColumns.length };
}

/** Polis's own groups from participants-votes.csv: participant → group, for those it placed. */
export function readPolisGroups(participantsVotes: string): Map<number, number> {
  const groups = new Map<number, number>();
  for (const row of csvObjects(participantsVotes)) {
    const group = row["group-id"];
    if (group === undefined || group === "") continue;
    groups.set(Number(row["participant"]), Number(group));
  }
  return groups;
}

/**
 * The map of a Polis export with the site's own function: what `npm run opinion-map` prints and
 * tests/opinion-polis.test.ts compares with Polis's groups. minVotes counts real votes only.
 */
export function mapPolisExport(
  files: { comments: string; votes: string },
  options: { unmoderated?: boolean; zeroModeratedOut?: boolean; minVotes?: number } = {},
): OpinionMap {
  const input = readPolisExport(files, options);
  return computeOpinionMap(input.votes, input.statements, {
    minVotes: (options.minVotes ?? MIN_VOTES) + input.zeroed,
  });
}
