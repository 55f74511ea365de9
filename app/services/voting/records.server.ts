/**
 * Polls and budget rounds as both the commands and the pages read them, on the handle they are
 * given: a command's transaction, or the database.
 */
import type { Target } from "~/domain/permissions/policy";
import { notFound } from "../rows.server";
import type { Db } from "../runner/command.server";

export function loadPoll(db: Db, id: number) {
  return db
    .selectFrom("polls")
    .select([
      "id",
      "communityId",
      "meetingId",
      "question",
      "method",
      "maxChoices",
      "electorate",
      "results",
      "opensAt",
      "closesAt",
    ])
    .where("id", "=", id)
    .executeTakeFirstOrThrow(notFound("vote:errors.pollNotFound"));
}

/** Who may vote: the community's verified residents, or the meeting's invited seat holders. */
export async function pollTarget(
  db: Db,
  poll: Awaited<ReturnType<typeof loadPoll>>,
): Promise<Target> {
  if (poll.electorate === "residents" || poll.meetingId === null) {
    return { communityId: poll.communityId };
  }
  const seats = await db
    .selectFrom("seatInvites")
    .select("userId")
    .where("meetingId", "=", poll.meetingId)
    .execute();
  return { seatHolders: seats.map((s) => s.userId) };
}

export async function optionIdsOf(db: Db, pollId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("pollOptions")
    .select("id")
    .where("pollId", "=", pollId)
    .orderBy("position")
    .execute();
  return rows.map((r) => r.id);
}

export function loadRound(db: Db, id: number) {
  return db
    .selectFrom("budgetRounds")
    .select([
      "id",
      "communityId",
      "title",
      "budget",
      "method",
      "minProjects",
      "maxProjects",
      "opensAt",
      "closesAt",
      "talliedAt",
    ])
    .where("id", "=", id)
    .executeTakeFirstOrThrow(notFound("vote:errors.roundNotFound"));
}

/** The cost of each project standing in a round, in the round's order. */
export async function roundCosts(db: Db, roundId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("roundProjects")
    .select(["projectId", "cost"])
    .where("roundId", "=", roundId)
    .orderBy("position")
    .execute();
  return new Map(rows.map((r) => [r.projectId, r.cost]));
}
