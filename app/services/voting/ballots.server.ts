/**
 * Ballots: cast online by the voter, or typed in from paper by a committee member and confirmed by
 * a second one. Each is a command (see `../runner/command.server.ts`): what decides a ballot (the
 * window, the options or costs, who has voted) is read inside the transaction that counts it.
 *
 * Secrecy: the participation row says who voted, the ballot row says what was chosen, and nothing
 * joins them. Both are written in one transaction; the unique index on (poll or round, voter)
 * makes a second ballot impossible even when two requests race.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { can, type Actor } from "~/domain/permissions/policy";
import {
  checkOpen,
  checkPollChoices,
  checkRoundChoices,
  formatReceipt,
} from "~/domain/voting/rules";
import {
  ballotSchema,
  paperBallotSchema,
  VOTE_KINDS,
  type VoteKind,
} from "~/domain/voting/schemas";
import { formId, id } from "~/domain/validation";
import { countOf } from "../rows.server";
import { command, type Trx } from "../runner/command.server";
import { loadPoll, loadRound, optionIdsOf, pollTarget, roundCosts } from "./records.server";

/**
 * Records that someone voted, then the ballot itself under a fresh receipt code and nothing that
 * names the voter. The first insert is the check: a second participation of the same voter in the
 * same poll or round inserts nothing (the unique index), whichever of two racing transactions
 * commits first, and is refused without relying on any engine's error.
 */
async function record(
  trx: Trx,
  kind: VoteKind,
  id: number,
  userId: number,
  choices: number[],
  at: string,
  paper?: { enteredBy: number; needsReview: boolean },
): Promise<{ participationId: number; receipt: string }> {
  const subject = { pollId: kind === "poll" ? id : null, roundId: kind === "round" ? id : null };
  const channel = paper ? "paper" : "online";
  const row = await trx
    .insertInto("participations")
    .values({
      ...subject,
      userId,
      channel,
      enteredBy: paper?.enteredBy ?? null,
      confirmedBy: null,
      confirmedAt: null,
      needsReview: paper?.needsReview ? 1 : 0,
      at,
    })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) {
    throw new DomainError(409, paper ? "vote:errors.residentVoted" : "vote:errors.alreadyVoted");
  }
  const receipt = formatReceipt(randomBytes(12));
  await trx
    .insertInto("ballots")
    .values({ ...subject, receipt, choices: JSON.stringify(choices), channel })
    .execute();
  return { participationId: row.id, receipt };
}

/** A poll or round as a ballot needs it: its window, who may vote, and what a valid ballot is. */
async function ballotBox(trx: Trx, kind: VoteKind, id: number) {
  if (kind === "poll") {
    const poll = await loadPoll(trx, id);
    const options = await optionIdsOf(trx, id);
    return {
      communityId: poll.communityId,
      window: poll,
      target: await pollTarget(trx, poll),
      voteAction: "poll.vote" as const,
      check: (chosen: readonly number[]) => checkPollChoices(poll, options, chosen),
    };
  }
  const round = await loadRound(trx, id);
  const costs = await roundCosts(trx, id);
  return {
    communityId: round.communityId,
    window: round,
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
    load: ({ trx, input }) => ballotBox(trx, kind, input.id),
    target: (box) => box.target,
    run: async ({ trx, actor, input, loaded: box, at, now, emit }) => {
      // The window is checked in the transaction that counts the ballot: the tally, which runs
      // after closing, sees every ballot that was accepted.
      checkOpen(box.window, now);
      const choices = box.check(input.choice);
      const { receipt } = await record(trx, kind, input.id, actor.userId, choices, at);
      emit({ type: "vote.changed", communityId: box.communityId, kind, id: input.id });
      return receipt;
    },
  });
export const votePoll = castBallot("poll", "poll.vote");
export const voteRound = castBallot("round", "budget.vote");

/**
 * A committee member types in a paper ballot handed in by a named resident at the service window.
 * The resident is then marked as having voted (online voting is refused, and the other way round).
 * A second committee member confirms it; where the community has only one, it is flagged instead.
 */
export const enterPaperBallot = command({
  action: "ballot.enterPaper",
  input: paperBallotSchema.extend({ kind: z.enum(VOTE_KINDS), id }),
  load: ({ trx, input }) => ballotBox(trx, input.kind, input.id),
  target: (box) => ({ communityId: box.communityId }),
  run: async ({ trx, actor, input, loaded: box, at, now, emit }) => {
    const voterId = input.voter;
    const voter = await trx
      .selectFrom("users")
      .select("id")
      .where("id", "=", voterId)
      .where("deletedAt", "is", null)
      .executeTakeFirst();
    const verified = voter
      ? await trx
          .selectFrom("memberships")
          .select("communityId")
          .where("userId", "=", voterId)
          .where("status", "=", "verified")
          .execute()
      : [];
    // The voter as the policy sees them: could they cast this ballot themselves?
    const asVoter: Actor = {
      userId: voterId,
      isAdmin: false,
      committeeOf: null,
      verifiedIn: verified.map((v) => v.communityId),
      orgMemberOf: [],
      orgAdminOf: [],
    };
    if (!voter || !can(asVoter, box.voteAction, box.target)) {
      throw new DomainError(403, "vote:errors.voterNotEligible", {}, "voter");
    }
    checkOpen(box.window, now);
    const choices = box.check(input.choice);
    const serving = await countOf(
      trx
        .selectFrom("committeeMembers")
        .where("communityId", "=", box.communityId)
        .where("endedAt", "is", null),
    );
    const needsReview = serving < 2;
    const { participationId, receipt } = await record(
      trx,
      input.kind,
      input.id,
      voterId,
      choices,
      at,
      { enteredBy: actor.userId, needsReview },
    );
    emit({ type: "vote.changed", communityId: box.communityId, kind: input.kind, id: input.id });
    return { receipt, participationId, needsReview };
  },
  // The log says who entered a paper ballot for whom, never what it chose.
  audit: ({ input, loaded: box }, r) => ({
    areaId: box.communityId,
    subjectType: input.kind === "poll" ? "poll" : "budgetRound",
    subjectId: input.id,
    details: {
      voterId: input.voter,
      participationId: r.participationId,
      needsReview: r.needsReview,
    },
  }),
});

export const confirmPaperBallot = command({
  action: "ballot.confirmPaper",
  input: z.object({
    participationId: formId,
    // The poll or round whose page the confirmation came from: an entry of another is not found.
    kind: z.enum(VOTE_KINDS).optional(),
    id: id.optional(),
  }),
  load: async ({ trx, input }) => {
    const row = await trx
      .selectFrom("participations")
      .leftJoin("polls", "polls.id", "participations.pollId")
      .leftJoin("budgetRounds", "budgetRounds.id", "participations.roundId")
      .select([
        "participations.id",
        "participations.channel",
        "participations.enteredBy",
        "participations.confirmedBy",
        "participations.pollId",
        "participations.roundId",
        "polls.communityId as pollCommunity",
        "budgetRounds.communityId as roundCommunity",
      ])
      .where("participations.id", "=", input.participationId)
      .executeTakeFirst();
    const communityId = row?.pollCommunity ?? row?.roundCommunity;
    const mismatched =
      input.kind !== undefined && (input.kind === "poll" ? row?.pollId : row?.roundId) !== input.id;
    if (!row || row.channel !== "paper" || communityId == null || mismatched) {
      throw new DomainError(404, "vote:errors.paperNotFound");
    }
    return { ...row, communityId };
  },
  target: (p) => ({ communityId: p.communityId }),
  run: async ({ trx, actor, loaded: p, at }) => {
    if (p.enteredBy === actor.userId) throw new DomainError(409, "vote:errors.confirmOwnEntry");
    if (p.confirmedBy !== null) throw new DomainError(409, "vote:errors.alreadyConfirmed");
    const updated = await trx
      .updateTable("participations")
      .set({ confirmedBy: actor.userId, confirmedAt: at, needsReview: 0 })
      .where("id", "=", p.id)
      // Engines that let two transactions read the same row must still confirm once.
      .where("confirmedBy", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new DomainError(409, "vote:errors.alreadyConfirmed");
  },
  audit: ({ loaded: p }) => ({
    areaId: p.communityId,
    subjectType: p.pollId !== null ? "poll" : "budgetRound",
    subjectId: p.pollId ?? p.roundId,
    details: { participationId: p.id },
  }),
});
