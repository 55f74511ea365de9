/**
 * Ballots cast online by the voter. Each is a command (see `../runner/command.server.ts`): what
 * decides a ballot (the window, the options or costs, who has voted) is read inside the
 * transaction that counts it. Paper ballots go into the box at the service window and are counted
 * after closing (`./box.server.ts`).
 *
 * Secrecy: the participation row says who voted, the ballot row says what was chosen, and nothing
 * joins them. Both are written in one transaction; the unique index on (poll or round, voter)
 * makes a second ballot impossible even when two requests race. A live poll's results move in
 * steps (`releaseIfDue`), so that no one watching who votes can see a ballot arrive.
 */
import { sql } from "kysely";
import { DomainError } from "~/domain/errors";
import {
  checkOpen,
  checkPollChoices,
  checkRoundChoices,
  formatReceipt,
} from "~/domain/voting/rules";
import { ballotSchema, type VoteKind } from "~/domain/voting/schemas";
import { id } from "~/domain/validation";
import { command, type Db, type Trx } from "../runner/command.server";
import { freshRandomBytes } from "~/utils/random-pool.server";
import { gathered } from "../../../db/gathered";
import { idsTable, perRow } from "../../../db/portable";
import { prepared, preparedTogether } from "../../../db/prepared";
import {
  costsOf,
  lastRelease,
  pollRow,
  pollTarget,
  releaseIfDue,
  roundProjectRows,
  roundRow,
} from "./records.server";

/** A new receipt code: 60 random bits (see `formatReceipt`). */
export const newReceipt = () => formatReceipt(freshRandomBytes(12));

/** The poll or round a participation, a ballot or a paper count belongs to. */
export const subjectOf = (kind: VoteKind, id: number) => ({
  pollId: kind === "poll" ? id : null,
  roundId: kind === "round" ? id : null,
});

/**
 * Records that `userId` voted: online, or on paper at the window (`clerk`, who recorded it; the
 * paper goes into the box). The insert is the check: a second participation of the same voter in
 * the same poll or round inserts nothing (the unique index), whichever of two racing transactions
 * commits first, and answers undefined without relying on any engine's error.
 */
export async function participate(
  trx: Trx,
  kind: VoteKind,
  id: number,
  userId: number,
  at: string,
  clerk: number | null = null,
): Promise<number | undefined> {
  const row = await insertParticipation.first(trx, {
    ...subjectOf(kind, id),
    userId,
    channel: clerk === null ? "online" : "paper",
    boxed: clerk === null ? 0 : 1,
    enteredBy: clerk,
    at,
  });
  return row?.id;
}

/*
 * A ballot's two writes are built and compiled once (db/prepared.ts): Kysely building and
 * compiling them on every ballot was a tenth of a ballot's work on the main thread (measured
 * 2026-12-04 with `npm run bench:ballot-cpu` under `--cpu-prof`).
 */
const insertParticipation = prepared(
  (
    db: Db,
    v: {
      pollId: number | null;
      roundId: number | null;
      userId: number;
      channel: "online" | "paper";
      boxed: number;
      enteredBy: number | null;
      at: string;
    },
  ) =>
    db
      .insertInto("participations")
      .values({
        pollId: v.pollId,
        roundId: v.roundId,
        userId: v.userId,
        channel: v.channel,
        boxed: v.boxed,
        enteredBy: v.enteredBy,
        confirmedBy: null,
        confirmedAt: null,
        at: v.at,
      })
      .onConflict((oc) => oc.doNothing())
      .returning("id"),
);

const insertBallot = prepared(
  (
    db: Db,
    v: {
      pollId: number | null;
      roundId: number | null;
      receipt: string;
      choices: string;
      channel: "online" | "paper";
    },
  ) =>
    db.insertInto("ballots").values({
      pollId: v.pollId,
      roundId: v.roundId,
      receipt: v.receipt,
      choices: v.choices,
      channel: v.channel,
    }),
);

/*
 * In a batch (the runner's group commit) the two rows wait for the end of the pass and
 * go in with the batch's others, a statement for many rows (db/gathered.ts): the insert can then
 * no longer be the check, so the batch's box holds who of its voters has voted (`voted`, read once
 * for all of them), and each ballot adds its voter to it as it passes.
 */
const gatheredParticipations = gathered("participations", [
  "pollId",
  "roundId",
  "userId",
  "channel",
  "enteredBy",
  "at",
]);
// A batch's ballots go in shuffled: their order must not follow the participations'.
const gatheredBallots = gathered(
  "ballots",
  ["pollId", "roundId", "receipt", "choices", "channel"],
  { shuffled: true },
);

/**
 * Records that someone voted, then the ballot itself under a fresh receipt code and no voter.
 * `voted`: who of a batch's voters has voted, when the box was read for a batch.
 */
async function record(
  trx: Trx,
  kind: VoteKind,
  id: number,
  userId: number,
  choices: number[],
  at: string,
  voted: Set<number> | undefined,
): Promise<string> {
  const receipt = newReceipt();
  const subject = subjectOf(kind, id);
  const ballot = {
    ...subject,
    receipt,
    choices: JSON.stringify(choices),
    channel: "online" as const,
  };
  if (voted) {
    if (voted.has(userId)) throw new DomainError(409, "vote:errors.alreadyVoted");
    voted.add(userId);
    await gatheredParticipations.add(trx, {
      ...subject,
      userId,
      channel: "online",
      enteredBy: null,
      at,
    });
    await gatheredBallots.add(trx, ballot);
    return receipt;
  }
  if ((await participate(trx, kind, id, userId, at)) === undefined) {
    throw new DomainError(409, "vote:errors.alreadyVoted");
  }
  await insertBallot.rows(trx, ballot);
  return receipt;
}

/** Who of `userIds` has voted in the poll or round: one read for a batch of ballots. */
async function votedAmong(trx: Trx, kind: VoteKind, id: number, userIds: readonly number[]) {
  const rows = await (kind === "poll" ? votedInPoll : votedInRound).rows(trx, {
    id,
    userIds: JSON.stringify(userIds),
  });
  return new Set(rows.map((r) => r.userId));
}

/*
 * One for each, through the batch's voters a voter at a time, each looked up on the unique index
 * (poll or round, voter): never the poll's participations first, however stale PostgreSQL's
 * statistics of them (`perRow`), and planned on each run (`planEachRun`), not kept from when the
 * participations were a page (a read of all of them per voter then). Once a batch.
 */
const votedIn = (column: "participations.pollId" | "participations.roundId") =>
  prepared(
    (db: Db, v: { id: number; userIds: string }) =>
      db
        .selectFrom(idsTable(db, v.userIds).as("ids"))
        .select("ids.id as userId")
        .where((eb) =>
          eb.exists(
            perRow(
              db,
              eb
                .selectFrom("participations")
                .select(sql<number>`1`.as("one"))
                .where(column, "=", v.id)
                .whereRef("participations.userId", "=", "ids.id"),
            ),
          ),
        ),
    { planEachRun: true },
  );
const votedInPoll = votedIn("participations.pollId");
const votedInRound = votedIn("participations.roundId");

/**
 * A poll's box in one statement: the poll, its options and its last release (every ballot of a
 * busy poll reads it), built once (db/prepared.ts).
 */
const pollBox = preparedTogether((db: Db, v: { id: number }) => ({
  poll: pollRow(db, v.id),
  options: db.selectFrom("pollOptions").select("id").where("pollId", "=", v.id),
  release: lastRelease(db, v.id),
}));

/** A round's box in one statement: the round and the costs of its projects. */
const roundBox = preparedTogether((db: Db, v: { id: number }) => ({
  round: roundRow(db, v.id),
  projects: roundProjectRows(db, v.id),
}));

/**
 * A poll or round as a ballot needs it: its window, who may vote, and what a valid ballot is.
 * Given a batch's voters, also who of them has voted (`voted`).
 */
export async function ballotBox(trx: Trx, kind: VoteKind, id: number, voters?: readonly number[]) {
  const box = await boxOf(trx, kind, id);
  return { ...box, voted: voters ? await votedAmong(trx, kind, id, voters) : undefined };
}

async function boxOf(trx: Trx, kind: VoteKind, id: number) {
  if (kind === "poll") {
    const {
      poll: [poll],
      options,
      release: [last],
    } = await pollBox(trx, { id });
    if (!poll) throw new DomainError(404, "vote:errors.pollNotFound");
    const optionIds = options.map((o) => o.id);
    return {
      communityId: poll.communityId,
      window: poll,
      live: poll.results === "live",
      release: { last },
      target: await pollTarget(trx, poll),
      voteAction: "poll.vote" as const,
      check: (chosen: readonly number[]) => checkPollChoices(poll, optionIds, chosen),
    };
  }
  const {
    round: [round],
    projects,
  } = await roundBox(trx, { id });
  if (!round) throw new DomainError(404, "vote:errors.roundNotFound");
  const costs = costsOf(projects);
  return {
    communityId: round.communityId,
    window: round,
    live: false,
    release: undefined,
    target: { communityId: round.communityId },
    voteAction: "budget.vote" as const,
    check: (chosen: readonly number[]) => checkRoundChoices(round, costs, chosen),
  };
}

/** Casts the actor's own ballot; returns the receipt code. */
const castBallot = (kind: VoteKind, action: "poll.vote" | "budget.vote") =>
  command({
    action,
    input: ballotSchema.extend({ id }),
    load: ({ trx, input, together }) =>
      ballotBox(
        trx,
        kind,
        input.id,
        together?.map((c) => c.actor.userId).filter((u): u is number => u !== null),
      ),
    // The ballots of a busy vote share transactions, and one read of their box each.
    batch: { key: (input) => String(input.id) },
    target: (box) => box.target,
    run: async ({ trx, actor, input, loaded: box, at, now, emit }) => {
      // The window is checked in the transaction that counts the ballot: the tally, which runs
      // after closing, sees every ballot that was accepted.
      checkOpen(box.window, now);
      const choices = box.check(input.choice);
      const receipt = await record(trx, kind, input.id, actor.userId, choices, at, box.voted);
      if (box.live) await releaseIfDue(trx, input.id, now, box.release);
      emit({
        type: "vote.changed",
        communityId: box.communityId,
        kind,
        id: input.id,
        ballot: true,
      });
      return receipt;
    },
  });
export const votePoll = castBallot("poll", "poll.vote");
export const voteRound = castBallot("round", "budget.vote");
