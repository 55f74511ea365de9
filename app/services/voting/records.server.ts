/**
 * Polls and budget rounds as both the commands and the pages read them, on the handle they are
 * given: a command's transaction, or the database.
 */
import { sql } from "kysely";
import { flushGathered } from "../../../db/gathered";
import { jsonArrayElements } from "../../../db/portable";
import type { Target } from "~/domain/permissions/policy";
import { releaseDue, releaseTimeCome } from "~/domain/voting/rules";
import type { VoteKind } from "~/domain/voting/schemas";
import { countOf, notFound } from "../rows.server";
import type { Db } from "../runner/command.server";

export function loadPoll(db: Db, id: number) {
  return pollRow(db, id).executeTakeFirstOrThrow(notFound("vote:errors.pollNotFound"));
}

/** A poll's row as `loadPoll` answers it, as a query (for `readTogether`). */
export function pollRow(db: Db, id: number) {
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
      "cancelledAt",
      "cancelReason",
      "ballotsDiscarded",
    ])
    .where("id", "=", id);
}

/**
 * Who may vote: the community's verified residents, or the meeting's invited seat holders, read by
 * `seatHolders` (on `db` unless the caller has them kept: the page reads the meeting's context).
 */
export async function pollTarget(
  db: Db,
  poll: Awaited<ReturnType<typeof loadPoll>>,
  seatHolders: (meetingId: number) => Promise<number[]> = async (meetingId) =>
    (
      await db
        .selectFrom("seatInvites")
        .select("userId")
        .where("meetingId", "=", meetingId)
        .execute()
    ).map((s) => s.userId),
): Promise<Target> {
  if (poll.electorate === "residents" || poll.meetingId === null) {
    return { communityId: poll.communityId };
  }
  return { seatHolders: await seatHolders(poll.meetingId) };
}

export function loadRound(db: Db, id: number) {
  return roundRow(db, id).executeTakeFirstOrThrow(notFound("vote:errors.roundNotFound"));
}

/** A round's row as `loadRound` answers it, as a query (for `readTogether`). */
export function roundRow(db: Db, id: number) {
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
      "cancelledAt",
      "cancelReason",
      "ballotsDiscarded",
    ])
    .where("id", "=", id);
}

/** The cost of each project standing in a round, in the round's order. */
export async function roundCosts(db: Db, roundId: number): Promise<Map<number, number>> {
  return costsOf(await roundProjectRows(db, roundId).execute());
}

/** The projects standing in a round with their costs, as a query (for `readTogether`). */
export function roundProjectRows(db: Db, roundId: number) {
  return db
    .selectFrom("roundProjects")
    .select(["projectId", "cost", "position"])
    .where("roundId", "=", roundId);
}

/** Project → cost, in the round's order. */
export function costsOf(
  rows: ReadonlyArray<{ projectId: number; cost: number; position: number }>,
) {
  const ordered = [...rows].sort((a, b) => a.position - b.position);
  return new Map(ordered.map((r) => [r.projectId, r.cost]));
}

/** The column that names a ballot's, a participation's or a count's poll or round. */
export const subjectColumn = (kind: VoteKind) => (kind === "poll" ? "pollId" : "roundId");

/**
 * A poll's or round's paper box: the residents the window recorded as voting on paper
 * (`expected`), and its count after closing, if begun. `settled` is true when there is nothing
 * left to count: no paper voter, or a confirmed count. Results and the published ballots wait for
 * it, so that they are final when they appear.
 */
export async function paperBox(db: Db, kind: VoteKind, id: number) {
  const col = subjectColumn(kind);
  const [expected, count] = await Promise.all([
    // A literal, so that the partial index of paper voters serves it (a parameter would not).
    countOf(db.selectFrom("participations").where(col, "=", id).where("boxed", "=", sql.lit(1))),
    db
      .selectFrom("paperCounts")
      .select([
        "id",
        "spoiled",
        "note",
        "submittedBy",
        "submittedAt",
        "confirmedBy",
        "confirmedAt",
        "needsReview",
      ])
      .where(col, "=", id)
      .executeTakeFirst(),
  ]);
  const entered = count
    ? await countOf(db.selectFrom("paperCountBallots").where("countId", "=", count.id))
    : 0;
  return {
    expected,
    entered,
    spoiled: count?.spoiled ?? 0,
    count: count ?? null,
    settled: expected === 0 || (count?.confirmedAt ?? null) !== null,
  };
}
export type PaperBox = Awaited<ReturnType<typeof paperBox>>;

/** Votes per option of a poll, counted by the database over the ballots' JSON arrays. */
export async function pollVotes(db: Db, pollId: number): Promise<Map<number, number>> {
  const rows = await sql<{ optionId: number; votes: number }>`
    select cast(j.value as integer) as option_id, count(*) as votes
    from ballots b, ${jsonArrayElements(db, sql.ref("b.choices"), "j")}
    where b.poll_id = ${pollId}
    group by j.value`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.optionId), Number(r.votes)]));
}

/** The latest released snapshot of a live poll's results, or null before the first. */
export async function latestRelease(db: Db, pollId: number) {
  const row = await db
    .selectFrom("pollReleases")
    .select(["ballots", "results", "releasedAt"])
    .where("pollId", "=", pollId)
    .executeTakeFirst();
  if (!row) return null;
  const votes = JSON.parse(row.results) as Record<string, number>;
  return {
    ballots: row.ballots,
    releasedAt: row.releasedAt,
    votes: new Map(Object.entries(votes).map(([k, v]) => [Number(k), v])),
  };
}

/** When a live poll's results were last released, and with how many ballots. */
export function lastRelease(db: Db, pollId: number) {
  return db
    .selectFrom("pollReleases")
    .select(["ballots", "releasedAt"])
    .where("pollId", "=", pollId);
}

/**
 * Releases a new snapshot of a live poll's results when one is due (`releaseDue`): called in the
 * transaction that counts a ballot, and by timed work for the ballots that came in since. Answers
 * whether it released one.
 */
export async function releaseIfDue(
  db: Db,
  pollId: number,
  now: Date,
  /**
   * The poll's last release, when the caller read it in this transaction already; a release made
   * here is written back into it.
   */
  known?: { last: { ballots: number; releasedAt: string } | undefined },
): Promise<boolean> {
  const last = known ? known.last : await lastRelease(db, pollId).executeTakeFirst();
  // Most ballots arrive between two releases: they are not counted for one (a count reads every
  // ballot of the poll, and on PostgreSQL it would make concurrent ballots abort each other).
  if (!releaseTimeCome(last ?? null, now)) return false;
  // The ballots this transaction gathered (db/gathered.ts) are counted too, as one by one.
  await flushGathered(db);
  const ballots = await countOf(db.selectFrom("ballots").where("pollId", "=", pollId));
  if (!releaseDue(last ?? null, ballots, now)) return false;
  const votes = await pollVotes(db, pollId);
  const row = {
    ballots,
    results: JSON.stringify(Object.fromEntries(votes)),
    releasedAt: now.toISOString(),
  };
  await db
    .insertInto("pollReleases")
    .values({ pollId, ...row })
    .onConflict((oc) => oc.column("pollId").doUpdateSet(row))
    .execute();
  // The ballots that share this transaction (runBatched) read the release from `known`: they see
  // this one, as they would have one by one, rather than count the poll again and release anew.
  if (known) known.last = { ballots, releasedAt: row.releasedAt };
  return true;
}
