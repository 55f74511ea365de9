/**
 * Polls and participatory budget rounds, the committee's writes: creating a poll or a round, and
 * counting a round once it has closed. Each is a command (see `../runner/command.server.ts`), and
 * the runner writes their audit entries. Ballots, online and on paper, are in `./ballots.server.ts`.
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import type { SignedInActor } from "~/domain/permissions/policy";
import { runTally } from "~/domain/voting/outcome";
import { phaseOf, YES_NO } from "~/domain/voting/rules";
import { pollSchema, roundSchema } from "~/domain/voting/schemas";
import { id } from "~/domain/validation";
import { notFound } from "../rows.server";
import { command } from "../runner/command.server";
import { loadRound, paperBox, roundCosts } from "./records.server";

// ---------------------------------------------------------------- creating

export const createPoll = command({
  action: "poll.manage",
  input: pollSchema.and(z.object({ communityId: id, meetingId: id.nullable() })),
  target: (_l, input) => ({ communityId: input.communityId }),
  run: async ({ trx, actor, input, at, emit }) => {
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
  run: async ({ trx, actor, input, at, emit }) => {
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
    return roundId;
  },
  audit: ({ input }, roundId) => ({
    areaId: input.communityId,
    subjectType: "budgetRound",
    subjectId: roundId,
    details: { title: input.title, budget: input.budget, method: input.method, change: "created" },
  }),
});

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
  run: async ({ trx, loaded: { round, costs }, at, now, emit }) => {
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
          .returning("id")
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
