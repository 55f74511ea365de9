export type {
  MapOptions,
  OpinionMap,
  OpinionVote,
  PreviousAssignment,
  Repness,
  StatementGroupStat,
  StatementScore,
  VoteCell,
} from "./types";
export { computeOpinionMap, MIN_PARTICIPANTS, MIN_STATEMENTS, MIN_VOTES } from "./map";
export { adjustedRandIndex } from "./ari";
