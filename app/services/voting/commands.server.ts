/**
 * Polls and participatory budget rounds, the committee's writes: creating a poll or a round, and
 * counting a round once it has closed. Each is a command (see `../runner/command.server.ts`), and
 * the runner writes their audit entries. Ballots, online and on paper, are in `./ballots.server.ts`.
 */
import { sql } from "kysely";
import { z } from "zod";
import { cancelSchema } from "~/domain/cancel-schema";
import { DomainError } from "~/domain/errors";
import type { Action, SignedInActor } from "~/domain/permissions/policy";
import { runTally } from "~/domain/voting/outcome";
import { checkCancellable, phaseOf, YES_NO } from "~/domain/voting/rules";
import { pollSchema, roundSchema, type VoteKind } from "~/domain/voting/schemas";
import { id } from "~/domain/validation";
import type { NoticeRecipients } from "~/domain/notices/kinds";
import { countOf, notFound } from "../rows.server";
import { command, type RunCtx, type Trx } from "../runner/command.server";
import { loadPoll, loadRound, paperBox, roundCosts, subjectColumn } from "./records.server";
import { notifyStep } from "../projects/shared.server";
import { openedNotice } from "./notices.server";

// ---------------------------------------------------------------- creating

export const createPoll = command({
  action: "poll.manage",
  input: pollSchema.and(z.object({ communityId: id, meetingId: id.nullable() })),
  target: (_l, input) => ({ communityId: input.communityId }),
  run: async ({ trx, actor, input, at, now, emit, notify }) => {
    const { communityId, meetingId, options: labels, ...poll } = input;
    if (meetingId !== null) {
      await trx
        .selectFrom("meetings")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select("meetings.id")
        .where("meetings.id", "=", meetingId)
        .where("councils.areaId", "=", communityId)
        .executeTakeFirstOrThrow(notFound("meeting:errors.meetingNotFound"));
    } else if (input.electorate === "seatHolders") {
      throw new DomainError(400, "vote:errors.seatHoldersNeedMeeting", {}, "electorate");
    }
    const { id: pollId } = await trx
      .insertInto("polls")
      .values({ ...poll, communityId, meetingId, createdBy: actor.userId, createdAt: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    const options =
      input.method === "yesNo"
        ? YES_NO.map((code, position) => ({ pollId, position, code, label: code }))
        : labels.map((label, position) => ({ pollId, position, code: null, label }));
    await trx.insertInto("pollOptions").values(options).execute();
    emit({ type: "vote.changed", communityId, kind: "poll", id: pollId });
    // Open at once: its voters are told now (one outbox row, delivered after the commit); a poll
    // that opens later is announced by the timed notices' job when its time comes.
    if (phaseOf({ ...poll, cancelledAt: null }, now) === "open") {
      const vote = { id: pollId, communityId, meetingId, title: poll.question, ...poll };
      notify(await openedNotice(trx, "poll", vote));
    }
    return pollId;
  },
  audit: ({ input }, pollId) => ({
    areaId: input.communityId,
    subjectType: "poll",
    subjectId: pollId,
    details: { question: input.question, change: "created" },
  }),
});

export const createRound = command({
  action: "budget.manage",
  input: roundSchema.and(z.object({ communityId: id })),
  target: (_l, input) => ({ communityId: input.communityId }),
  run: async ({ trx, actor, input, at, now, emit, notify }) => {
    const { communityId, projects: picked, ...round } = input;
    const projects = await trx
      .selectFrom("projects")
      .select(["id", "budgetTotal", "status"])
      .where("id", "in", picked)
      .where("communityId", "=", communityId)
      .execute();
    // Only accepted projects of this community stand: the committee has reviewed each one.
    if (projects.length !== picked.length || projects.some((p) => p.status !== "accepted")) {
      throw new DomainError(400, "vote:errors.projectsNotAccepted", {}, "project");
    }
    if (input.minProjects > picked.length) {
      throw new DomainError(400, "vote:errors.minAboveProjects", {}, "minProjects");
    }
    // One project, one round at a time: two rounds could otherwise both fund it.
    const elsewhere = await trx
      .selectFrom("roundProjects")
      .innerJoin("budgetRounds", "budgetRounds.id", "roundProjects.roundId")
      .select("roundProjects.projectId")
      .where("roundProjects.projectId", "in", picked)
      .where("budgetRounds.talliedAt", "is", null)
      // A cancelled round will never be counted: its projects are free again.
      .where("budgetRounds.cancelledAt", "is", null)
      .executeTakeFirst();
    if (elsewhere) throw new DomainError(409, "vote:errors.projectInAnotherRound", {}, "project");
    const { id: roundId } = await trx
      .insertInto("budgetRounds")
      .values({
        ...round,
        communityId,
        talliedAt: null,
        spent: null,
        createdBy: actor.userId,
        createdAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("roundProjects")
      .values(
        picked.map((projectId, position) => ({
          roundId,
          projectId,
          position,
          cost: projects.find((p) => p.id === projectId)!.budgetTotal,
          approvals: null,
          selected: null,
        })),
      )
      .execute();
    emit({ type: "vote.changed", communityId, kind: "round", id: roundId });
    if (phaseOf({ ...round, cancelledAt: null }, now) === "open") {
      notify(await openedNotice(trx, "round", { id: roundId, communityId, ...round }));
    }
    return roundId;
  },
  audit: ({ input }, roundId) => ({
    areaId: input.communityId,
    subjectType: "budgetRound",
    subjectId: roundId,
    details: { title: input.title, budget: input.budget, method: input.method, change: "created" },
  }),
});

// ---------------------------------------------------------------- cancelling

/**
 * Discards every ballot of a poll or round being cancelled, and answers how many there were: the
 * online ballots, and the papers the window put in the box (not counted yet: a vote is cancelled
 * only before it closes). Ballots are never linked to voters, so they go as a whole; the register
 * of who voted goes too (a vote that will never be counted keeps no record of who took part in
 * it), as do a live poll's released snapshots (a cancelled vote publishes no tally, not even a
 * partial one) and any paper count begun.
 */
async function discardBallots(trx: Trx, kind: VoteKind, id: number): Promise<number> {
  const col = subjectColumn(kind);
  const [online, paper] = await Promise.all([
    countOf(trx.selectFrom("ballots").where(col, "=", id)),
    countOf(trx.selectFrom("participations").where(col, "=", id).where("boxed", "=", sql.lit(1))),
  ]);
  await trx.deleteFrom("ballots").where(col, "=", id).execute();
  await trx.deleteFrom("participations").where(col, "=", id).execute();
  const counts = await trx.selectFrom("paperCounts").select("id").where(col, "=", id).execute();
  if (counts.length > 0) {
    const ids = counts.map((c) => c.id);
    await trx.deleteFrom("paperCountBallots").where("countId", "in", ids).execute();
    await trx.deleteFrom("paperCounts").where("id", "in", ids).execute();
  }
  if (kind === "poll") await trx.deleteFrom("pollReleases").where("pollId", "=", id).execute();
  return online + paper;
}

/**
 * Who hears that a vote is cancelled: those who could vote in it. A residents' poll or a round:
 * the community's verified residents (delivered in chunks after the commit). A seat holders' poll:
 * its meeting's invited seat holders, and whoever voted in it.
 */
async function toldOfCancelling(
  trx: Trx,
  kind: VoteKind,
  vote: CancelledVote,
): Promise<{ title: string; recipients: NoticeRecipients }> {
  if (kind === "round") {
    const r = await trx
      .selectFrom("budgetRounds")
      .select("title")
      .where("id", "=", vote.id)
      .executeTakeFirstOrThrow();
    return { title: r.title, recipients: { community: vote.communityId, who: "verified" } };
  }
  const p = await trx
    .selectFrom("polls")
    .select(["question", "electorate", "meetingId"])
    .where("id", "=", vote.id)
    .executeTakeFirstOrThrow();
  if (p.electorate === "residents" || p.meetingId === null) {
    return { title: p.question, recipients: { community: vote.communityId, who: "verified" } };
  }
  const rows = await trx
    .selectFrom("seatInvites")
    .select("userId")
    .where("meetingId", "=", p.meetingId)
    .union(trx.selectFrom("participations").select("userId").where("pollId", "=", vote.id))
    .execute();
  return { title: p.question, recipients: { users: rows.map((r) => r.userId) } };
}

/** What cancelling reads of a poll or round. */
export interface CancelledVote {
  id: number;
  communityId: number;
  opensAt: string;
  closesAt: string;
  cancelledAt: string | null;
}

/**
 * Withdraws a vote that may still be cancelled (the caller checked): tells those who could vote in
 * it, discards its ballots, marks it cancelled with the reason; answers how many ballots went.
 * Cancelling a vote does this; so does cancelling the meeting a seat holders' poll belongs to.
 */
export async function withdrawVote(
  trx: Trx,
  kind: VoteKind,
  vote: CancelledVote,
  reason: string,
  ctx: Pick<RunCtx<unknown, unknown, Action>, "at" | "emit" | "notify">,
): Promise<number> {
  // Who is told, read before the register of who voted goes with the ballots.
  const told = await toldOfCancelling(trx, kind, vote);
  const discarded = await discardBallots(trx, kind, vote.id);
  const set = { cancelledAt: ctx.at, cancelReason: reason, ballotsDiscarded: discarded };
  const updated =
    kind === "poll"
      ? await trx
          .updateTable("polls")
          .set(set)
          .where("id", "=", vote.id)
          .where("cancelledAt", "is", null)
          .executeTakeFirst()
      : await trx
          .updateTable("budgetRounds")
          .set(set)
          .where("id", "=", vote.id)
          .where("cancelledAt", "is", null)
          .where("talliedAt", "is", null)
          .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new DomainError(409, "vote:errors.alreadyCancelled");
  ctx.emit({ type: "vote.changed", communityId: vote.communityId, kind, id: vote.id });
  ctx.notify({
    kind: "vote.cancelled",
    subject: { type: kind, id: vote.id },
    params: { title: told.title, reason },
    recipients: told.recipients,
  });
  return discarded;
}

/**
 * The committee cancels a poll (`poll.manage`) or a budget round (`budget.manage`) before it
 * closes, with a reason: its ballots are discarded, and its page says it was cancelled, why, and
 * how many ballots were discarded. Nobody can vote in it any more; it is never counted.
 */
const cancelVote = <A extends "poll.manage" | "budget.manage">(kind: VoteKind, action: A) =>
  command({
    action,
    input: cancelSchema.and(z.object({ id })),
    load: async ({ trx, input }): Promise<CancelledVote> =>
      kind === "poll" ? await loadPoll(trx, input.id) : await loadRound(trx, input.id),
    target: (vote) => ({ communityId: vote.communityId }),
    run: async ({ trx, input, loaded: vote, now, at, emit, notify }) => {
      // Read in the transaction that discards: a ballot accepted before closing is either in
      // what this counts, or refused as cancelled.
      checkCancellable(vote, now);
      return withdrawVote(trx, kind, vote, input.reason, { at, emit, notify });
    },
    audit: ({ input, loaded: vote }, discarded) => ({
      areaId: vote.communityId,
      subjectType: kind === "poll" ? "poll" : "budgetRound",
      subjectId: vote.id,
      details: { change: "cancelled", reason: input.reason, ballotsDiscarded: discarded },
    }),
  });
export const cancelPoll = cancelVote("poll", "poll.manage");
export const cancelRound = cancelVote("round", "budget.manage");

// ---------------------------------------------------------------- counting

/**
 * Who counts a round: nobody in person. A round closes by the clock and its outcome follows from
 * the ballots and its rules, so the count runs under the committee's own action (`budget.manage`)
 * as the round's committee, with no one's id: user 0 is no user (ids start at 1), and the count's
 * audit entry and project steps name no actor.
 */
export function counterOf(communityId: number): SignedInActor {
  return {
    userId: 0,
    isAdmin: false,
    committeeOf: communityId,
    verifiedIn: [],
    orgMemberOf: [],
    orgAdminOf: [],
    gridWorkerOf: [],
    commandRoomOf: [],
    unitOf: [],
  };
}

/**
 * Tallies a closed round once: approvals, the method's winners, the money used; winners move to
 * "selected" in their lifecycle. Answers null, writing nothing, when the round is still open or
 * was counted already (by an earlier view, or a racing one).
 */
export const tallyRound = command({
  action: "budget.manage",
  input: z.object({ id }),
  load: async ({ trx, input }) => {
    const round = await loadRound(trx, input.id);
    return { round, costs: await roundCosts(trx, round.id) };
  },
  target: ({ round }) => ({ communityId: round.communityId }),
  run: async ({ trx, loaded: { round, costs }, at, now, emit, notify }) => {
    if (round.talliedAt !== null || phaseOf(round, now) !== "closed") return null;
    // Every ballot must be in: the paper box counted and confirmed (`./box.server.ts`).
    if (!(await paperBox(trx, "round", round.id)).settled) return null;
    const ballots = await trx
      .selectFrom("ballots")
      .select("choices")
      .where("roundId", "=", round.id)
      .execute();
    const outcome = runTally(
      round.method,
      [...costs].map(([projectId, cost]) => ({ id: projectId, cost })),
      round.budget,
      ballots.map((b) => JSON.parse(b.choices) as number[]),
    );
    const claimed = await trx
      .updateTable("budgetRounds")
      .set({ talliedAt: at, spent: outcome.spent })
      .where("id", "=", round.id)
      // Engines that let two transactions read the same row must still count once.
      .where("talliedAt", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return null;
    for (const projectId of costs.keys()) {
      await trx
        .updateTable("roundProjects")
        .set({
          approvals: outcome.approvals.get(projectId) ?? 0,
          selected: outcome.selected.includes(projectId) ? 1 : 0,
        })
        .where("roundId", "=", round.id)
        .where("projectId", "=", projectId)
        .execute();
    }
    const winners = outcome.selected.length
      ? await trx
          .updateTable("projects")
          .set({ status: "selected", updatedAt: at })
          .where("id", "in", outcome.selected)
          .where("status", "=", "accepted")
          .returning(["id", "title", "proposerId"])
          .execute()
      : [];
    for (const w of winners) {
      await trx
        .insertInto("projectEvents")
        .values({
          projectId: w.id,
          step: "select",
          fromStatus: "accepted",
          toStatus: "selected",
          actorId: null,
          reason: `budget:${round.id}`,
          at,
        })
        .execute();
    }
    // Selected by the residents' budget vote: the proposer and the supporters are told.
    for (const w of winners) notifyStep(notify, w, "select", null);
    const communityId = round.communityId;
    emit({ type: "vote.changed", communityId, kind: "round", id: round.id });
    for (const w of winners) emit({ type: "project.changed", communityId, projectId: w.id });
    return { selected: outcome.selected, spent: outcome.spent };
  },
  audit: ({ loaded: { round } }, counted) =>
    counted === null
      ? []
      : {
          actorId: null,
          areaId: round.communityId,
          subjectType: "budgetRound",
          subjectId: round.id,
          details: {
            change: "tallied",
            method: round.method,
            selected: counted.selected,
            spent: counted.spent,
          },
        },
});
