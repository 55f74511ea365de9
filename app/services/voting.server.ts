/**
 * Polls and participatory budget rounds: creating them, casting ballots online and on paper,
 * counting, publishing the ballots, and tallying a round into selected projects.
 *
 * Secrecy: the participation row says who voted, the ballot row says what was chosen, and nothing
 * joins them. Both are written in one transaction; the unique index on (poll or round, voter)
 * makes a second ballot impossible even when two requests race.
 */
import { randomBytes } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { getDb } from "../../db/client.server";
import type { Database } from "../../db/schema";
import { DomainError } from "~/domain/errors";
import {
  authorize,
  can,
  decide,
  type Actor,
  type Decision,
  type Target,
} from "~/domain/permissions/policy";

import {
  checkOpen,
  checkPollChoices,
  checkRoundChoices,
  formatReceipt,
  phaseOf,
  YES_NO,
  type Phase,
} from "~/domain/voting/rules";
import type { PollInput, RoundInput } from "~/domain/voting/schemas";
import { writeAudit } from "./audit.server";
import { emitEvent } from "./events.server";
import { runTally, type TallyOutcome } from "~/domain/voting/outcome";

/** Why the policy refuses an action, or null when it allows it. */
const refusalOf = (d: Decision) => (d.ok ? null : d.reason);

const now = () => new Date().toISOString();

export type VoteKind = "poll" | "round";

function newReceipt(): string {
  return formatReceipt(randomBytes(12));
}

/** SQLite's answer to a second participation row: the voter has voted already. */
function isUniqueViolation(e: unknown): boolean {
  return e instanceof Error && /UNIQUE constraint failed: participations/.test(e.message);
}

// ---------------------------------------------------------------- polls

interface PollRow {
  id: number;
  communityId: number;
  meetingId: number | null;
  question: string;
  method: "single" | "approval" | "yesNo";
  maxChoices: number;
  electorate: "residents" | "seatHolders";
  results: "live" | "afterClose";
  opensAt: string;
  closesAt: string;
}

async function loadPoll(id: number): Promise<PollRow> {
  const poll = await getDb()
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
    .executeTakeFirst();
  if (!poll) throw new DomainError(404, "vote:errors.pollNotFound");
  return poll;
}

/** Who may vote: the community's verified residents, or the meeting's invited seat holders. */
async function pollTarget(poll: PollRow): Promise<Target> {
  if (poll.electorate === "residents" || poll.meetingId === null) {
    return { communityId: poll.communityId };
  }
  const seats = await getDb()
    .selectFrom("seatInvites")
    .select("userId")
    .where("meetingId", "=", poll.meetingId)
    .execute();
  return { seatHolders: seats.map((s) => s.userId) };
}

async function optionIdsOf(pollId: number): Promise<number[]> {
  const rows = await getDb()
    .selectFrom("pollOptions")
    .select("id")
    .where("pollId", "=", pollId)
    .orderBy("position")
    .execute();
  return rows.map((r) => r.id);
}

export async function createPoll(
  actor: Actor,
  communityId: number,
  meetingId: number | null,
  input: PollInput,
): Promise<number> {
  authorize(actor, "poll.manage", { communityId });
  const db = getDb();
  if (meetingId !== null) {
    const meeting = await db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select("meetings.id")
      .where("meetings.id", "=", meetingId)
      .where("councils.areaId", "=", communityId)
      .executeTakeFirst();
    if (!meeting) throw new DomainError(404, "meeting:errors.meetingNotFound");
  } else if (input.electorate === "seatHolders") {
    throw new DomainError(400, "vote:errors.seatHoldersNeedMeeting", {}, "electorate");
  }
  const id = await db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("polls")
      .values({
        communityId,
        meetingId,
        question: input.question,
        description: input.description,
        method: input.method,
        maxChoices: input.maxChoices,
        electorate: input.electorate,
        results: input.results,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        createdBy: actor.userId,
        createdAt: now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const options =
      input.method === "yesNo"
        ? YES_NO.map((code, position) => ({ pollId: id, position, code, label: code }))
        : input.options.map((label, position) => ({ pollId: id, position, code: null, label }));
    await trx.insertInto("pollOptions").values(options).execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "poll.manage",
      areaId: communityId,
      subjectType: "poll",
      subjectId: id,
      details: { question: input.question, change: "created" },
    });
    return id;
  });
  emitEvent({ type: "vote.changed", communityId, kind: "poll", id });
  return id;
}

async function insertBallot(
  trx: Transaction<Database>,
  kind: VoteKind,
  id: number,
  choices: number[],
  channel: "online" | "paper",
): Promise<string> {
  const receipt = newReceipt();
  await trx
    .insertInto("ballots")
    .values({
      receipt,
      pollId: kind === "poll" ? id : null,
      roundId: kind === "round" ? id : null,
      choices: JSON.stringify(choices),
      channel,
    })
    .execute();
  return receipt;
}

async function insertParticipation(
  trx: Transaction<Database>,
  kind: VoteKind,
  id: number,
  userId: number,
  paper?: { enteredBy: number; needsReview: boolean },
): Promise<number> {
  try {
    const row = await trx
      .insertInto("participations")
      .values({
        pollId: kind === "poll" ? id : null,
        roundId: kind === "round" ? id : null,
        userId,
        channel: paper ? "paper" : "online",
        enteredBy: paper?.enteredBy ?? null,
        confirmedBy: null,
        confirmedAt: null,
        needsReview: paper?.needsReview ? 1 : 0,
        at: now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new DomainError(409, paper ? "vote:errors.residentVoted" : "vote:errors.alreadyVoted");
    }
    throw e;
  }
}

/** Casts the actor's own ballot in a poll; returns the receipt code. */
export async function votePoll(actor: Actor, pollId: number, chosen: number[]): Promise<string> {
  const poll = await loadPoll(pollId);
  authorize(actor, "poll.vote", await pollTarget(poll));
  checkOpen(poll);
  const choices = checkPollChoices(poll, await optionIdsOf(pollId), chosen);
  const receipt = await getDb()
    .transaction()
    .execute(async (trx) => {
      // Checked again inside the transaction: the tally, which runs after closing, must see every
      // ballot that was accepted.
      checkOpen(poll);
      await insertParticipation(trx, "poll", pollId, actor.userId!);
      return insertBallot(trx, "poll", pollId, choices, "online");
    });
  emitEvent({ type: "vote.changed", communityId: poll.communityId, kind: "poll", id: pollId });
  return receipt;
}

// ---------------------------------------------------------------- budget rounds

interface RoundRow {
  id: number;
  communityId: number;
  title: string;
  budget: number;
  method: "greedy" | "mes";
  minProjects: number;
  maxProjects: number | null;
  opensAt: string;
  closesAt: string;
  talliedAt: string | null;
}

async function loadRound(id: number): Promise<RoundRow> {
  const round = await getDb()
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
    .executeTakeFirst();
  if (!round) throw new DomainError(404, "vote:errors.roundNotFound");
  return round;
}

async function roundCosts(roundId: number): Promise<Map<number, number>> {
  const rows = await getDb()
    .selectFrom("roundProjects")
    .select(["projectId", "cost"])
    .where("roundId", "=", roundId)
    .orderBy("position")
    .execute();
  return new Map(rows.map((r) => [r.projectId, r.cost]));
}

export async function createRound(
  actor: Actor,
  communityId: number,
  input: RoundInput,
): Promise<number> {
  authorize(actor, "budget.manage", { communityId });
  const db = getDb();
  const projects = await db
    .selectFrom("projects")
    .select(["id", "budgetTotal", "status"])
    .where("id", "in", input.projects)
    .where("communityId", "=", communityId)
    .execute();
  // Only accepted projects of this community stand: the committee has reviewed each one.
  if (projects.length !== input.projects.length || projects.some((p) => p.status !== "accepted")) {
    throw new DomainError(400, "vote:errors.projectsNotAccepted", {}, "project");
  }
  if (input.minProjects > input.projects.length) {
    throw new DomainError(400, "vote:errors.minAboveProjects", {}, "minProjects");
  }
  // One project, one round at a time: two rounds could otherwise both fund it.
  const elsewhere = await db
    .selectFrom("roundProjects")
    .innerJoin("budgetRounds", "budgetRounds.id", "roundProjects.roundId")
    .select("roundProjects.projectId")
    .where("roundProjects.projectId", "in", input.projects)
    .where("budgetRounds.talliedAt", "is", null)
    .executeTakeFirst();
  if (elsewhere) throw new DomainError(409, "vote:errors.projectInAnotherRound", {}, "project");
  const id = await db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("budgetRounds")
      .values({
        communityId,
        title: input.title,
        description: input.description,
        budget: input.budget,
        method: input.method,
        minProjects: input.minProjects,
        maxProjects: input.maxProjects,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        talliedAt: null,
        spent: null,
        createdBy: actor.userId,
        createdAt: now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("roundProjects")
      .values(
        input.projects.map((projectId, position) => ({
          roundId: id,
          projectId,
          position,
          cost: projects.find((p) => p.id === projectId)!.budgetTotal,
          approvals: null,
          selected: null,
        })),
      )
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "budget.manage",
      areaId: communityId,
      subjectType: "budgetRound",
      subjectId: id,
      details: {
        title: input.title,
        budget: input.budget,
        method: input.method,
        change: "created",
      },
    });
    return id;
  });
  emitEvent({ type: "vote.changed", communityId, kind: "round", id });
  return id;
}

export async function voteRound(actor: Actor, roundId: number, chosen: number[]): Promise<string> {
  const round = await loadRound(roundId);
  authorize(actor, "budget.vote", { communityId: round.communityId });
  checkOpen(round);
  const choices = checkRoundChoices(round, await roundCosts(roundId), chosen);
  const receipt = await getDb()
    .transaction()
    .execute(async (trx) => {
      checkOpen(round);
      await insertParticipation(trx, "round", roundId, actor.userId!);
      return insertBallot(trx, "round", roundId, choices, "online");
    });
  emitEvent({ type: "vote.changed", communityId: round.communityId, kind: "round", id: roundId });
  return receipt;
}

/**
 * Tallies a closed round once: approvals, the method's winners, the money used; winners move to
 * "selected" in their lifecycle. Safe to call on every page view: only the first call writes.
 */
export async function ensureTallied(roundId: number): Promise<void> {
  const round = await loadRound(roundId);
  if (round.talliedAt !== null || phaseOf(round) !== "closed") return;
  const db = getDb();
  const [costs, ballots] = await Promise.all([
    roundCosts(roundId),
    db.selectFrom("ballots").select("choices").where("roundId", "=", roundId).execute(),
  ]);
  const outcome: TallyOutcome = runTally(
    round.method,
    [...costs].map(([id, cost]) => ({ id, cost })),
    round.budget,
    ballots.map((b) => JSON.parse(b.choices) as number[]),
  );
  const moved = await db.transaction().execute(async (trx) => {
    const at = now();
    const claimed = await trx
      .updateTable("budgetRounds")
      .set({ talliedAt: at, spent: outcome.spent })
      .where("id", "=", roundId)
      .where("talliedAt", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return [];
    for (const [projectId, cost] of costs) {
      void cost;
      await trx
        .updateTable("roundProjects")
        .set({
          approvals: outcome.approvals.get(projectId) ?? 0,
          selected: outcome.selected.includes(projectId) ? 1 : 0,
        })
        .where("roundId", "=", roundId)
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
          reason: `budget:${roundId}`,
          at,
        })
        .execute();
    }
    await writeAudit(trx, {
      actorId: null,
      action: "budget.manage",
      areaId: round.communityId,
      subjectType: "budgetRound",
      subjectId: roundId,
      details: {
        change: "tallied",
        method: round.method,
        selected: outcome.selected,
        spent: outcome.spent,
      },
    });
    return winners.map((w) => w.id);
  });
  emitEvent({ type: "vote.changed", communityId: round.communityId, kind: "round", id: roundId });
  for (const projectId of moved) {
    emitEvent({ type: "project.changed", communityId: round.communityId, projectId });
  }
}

// ---------------------------------------------------------------- paper ballots

async function subjectOf(kind: VoteKind, id: number) {
  if (kind === "poll") {
    const poll = await loadPoll(id);
    return {
      communityId: poll.communityId,
      window: poll,
      target: await pollTarget(poll),
      action: "poll.vote" as const,
      check: async (chosen: number[]) => checkPollChoices(poll, await optionIdsOf(id), chosen),
    };
  }
  const round = await loadRound(id);
  return {
    communityId: round.communityId,
    window: round,
    target: { communityId: round.communityId },
    action: "budget.vote" as const,
    check: async (chosen: number[]) => checkRoundChoices(round, await roundCosts(id), chosen),
  };
}

/**
 * A committee member types in a paper ballot handed in by a named resident at the service window.
 * The resident is then marked as having voted (online voting is refused, and the other way round).
 * A second committee member confirms it; where the community has only one, it is flagged instead.
 */
export async function enterPaperBallot(
  actor: Actor,
  kind: VoteKind,
  id: number,
  voterId: number,
  chosen: number[],
): Promise<string> {
  const subject = await subjectOf(kind, id);
  authorize(actor, "ballot.enterPaper", { communityId: subject.communityId });
  const db = getDb();
  const voter = await db
    .selectFrom("users")
    .select("id")
    .where("id", "=", voterId)
    .where("deletedAt", "is", null)
    .executeTakeFirst();
  const verified = voter
    ? await db
        .selectFrom("memberships")
        .select("communityId")
        .where("userId", "=", voterId)
        .where("status", "=", "verified")
        .execute()
    : [];
  const voterActor: Actor = {
    userId: voterId,
    isAdmin: false,
    committeeOf: null,
    verifiedIn: verified.map((v) => v.communityId),
    orgMemberOf: [],
    orgAdminOf: [],
  };
  if (!voter || !can(voterActor, subject.action, subject.target)) {
    throw new DomainError(403, "vote:errors.voterNotEligible", {}, "voter");
  }
  checkOpen(subject.window);
  const choices = await subject.check(chosen);
  const { n } = await db
    .selectFrom("committeeMembers")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("communityId", "=", subject.communityId)
    .where("endedAt", "is", null)
    .executeTakeFirstOrThrow();
  const receipt = await db.transaction().execute(async (trx) => {
    checkOpen(subject.window);
    const participationId = await insertParticipation(trx, kind, id, voterId, {
      enteredBy: actor.userId!,
      needsReview: Number(n) < 2,
    });
    const receipt = await insertBallot(trx, kind, id, choices, "paper");
    // The log says who entered a paper ballot for whom, never what it chose.
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "ballot.enterPaper",
      areaId: subject.communityId,
      subjectType: kind === "poll" ? "poll" : "budgetRound",
      subjectId: id,
      details: { voterId, participationId, needsReview: Number(n) < 2 },
    });
    return receipt;
  });
  emitEvent({ type: "vote.changed", communityId: subject.communityId, kind, id });
  return receipt;
}

export async function confirmPaperBallot(
  actor: Actor,
  participationId: number,
  /** The poll or round whose page the confirmation came from: an entry of another is not found. */
  of?: { kind: VoteKind; id: number },
): Promise<void> {
  const db = getDb();
  const row = await db
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
    .where("participations.id", "=", participationId)
    .executeTakeFirst();
  const communityId = row?.pollCommunity ?? row?.roundCommunity;
  const mismatched =
    of !== undefined && (of.kind === "poll" ? row?.pollId !== of.id : row?.roundId !== of.id);
  if (!row || row.channel !== "paper" || communityId == null || mismatched) {
    throw new DomainError(404, "vote:errors.paperNotFound");
  }
  authorize(actor, "ballot.confirmPaper", { communityId });
  if (row.enteredBy === actor.userId) throw new DomainError(409, "vote:errors.confirmOwnEntry");
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("participations")
      .set({ confirmedBy: actor.userId, confirmedAt: now(), needsReview: 0 })
      .where("id", "=", participationId)
      .where("confirmedBy", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new DomainError(409, "vote:errors.alreadyConfirmed");
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "ballot.confirmPaper",
      areaId: communityId,
      subjectType: row.pollId !== null ? "poll" : "budgetRound",
      subjectId: row.pollId ?? row.roundId,
      details: { participationId },
    });
  });
}

/** Paper entries of a poll or round, with who entered and confirmed them (for the committee). */
async function paperEntries(kind: VoteKind, id: number) {
  return getDb()
    .selectFrom("participations")
    .innerJoin("users as voter", "voter.id", "participations.userId")
    .leftJoin("users as enterer", "enterer.id", "participations.enteredBy")
    .leftJoin("users as confirmer", "confirmer.id", "participations.confirmedBy")
    .select([
      "participations.id",
      "voter.displayName as voterName",
      "enterer.displayName as enteredByName",
      "participations.enteredBy",
      "confirmer.displayName as confirmedByName",
      "participations.needsReview",
      "participations.at",
    ])
    .where(kind === "poll" ? "participations.pollId" : "participations.roundId", "=", id)
    .where("participations.channel", "=", "paper")
    .orderBy("participations.id")
    .execute();
}

/**
 * People who may vote and have not yet, for the paper-ballot form's picker: the meeting's invited
 * seat holders for a seat-holder poll, otherwise the community's verified residents.
 */
async function eligibleNonVoters(
  kind: VoteKind,
  id: number,
  communityId: number,
  seatsOf: number | null = null,
): Promise<Array<{ id: number; displayName: string }>> {
  const db = getDb();
  const [people, voted] = await Promise.all([
    seatsOf !== null
      ? db
          .selectFrom("seatInvites")
          .innerJoin("users", "users.id", "seatInvites.userId")
          .select(["users.id", "users.displayName"])
          .where("seatInvites.meetingId", "=", seatsOf)
          .where("users.deletedAt", "is", null)
          .orderBy("users.displayName")
          .execute()
      : db
          .selectFrom("memberships")
          .innerJoin("users", "users.id", "memberships.userId")
          .select(["users.id", "users.displayName"])
          .where("memberships.communityId", "=", communityId)
          .where("memberships.status", "=", "verified")
          .where("users.deletedAt", "is", null)
          .orderBy("users.displayName")
          .execute(),
    db
      .selectFrom("participations")
      .select("userId")
      .where(kind === "poll" ? "pollId" : "roundId", "=", id)
      .execute(),
  ]);
  const done = new Set(voted.map((v) => v.userId));
  return people.filter((p) => !done.has(p.id));
}

// ---------------------------------------------------------------- reading

export interface PublishedBallot {
  receipt: string;
  choices: number[];
  channel: "online" | "paper";
}

/** Every ballot, once voting has closed; sorted by receipt code, which says nothing about time. */
export async function publishedBallots(kind: VoteKind, id: number): Promise<PublishedBallot[]> {
  const subject = kind === "poll" ? await loadPoll(id) : await loadRound(id);
  if (phaseOf(subject) !== "closed") throw new DomainError(409, "vote:errors.notClosedYet");
  const rows = await getDb()
    .selectFrom("ballots")
    .select(["receipt", "choices", "channel"])
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .orderBy("receipt")
    .execute();
  return rows.map((r) => ({ ...r, choices: JSON.parse(r.choices) as number[] }));
}

export async function findReceipt(
  kind: VoteKind,
  id: number,
  receipt: string,
): Promise<PublishedBallot | null> {
  const subject = kind === "poll" ? await loadPoll(id) : await loadRound(id);
  if (phaseOf(subject) !== "closed") throw new DomainError(409, "vote:errors.notClosedYet");
  const row = await getDb()
    .selectFrom("ballots")
    .select(["receipt", "choices", "channel"])
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .where("receipt", "=", receipt)
    .executeTakeFirst();
  return row ? { ...row, choices: JSON.parse(row.choices) as number[] } : null;
}

async function hasVoted(kind: VoteKind, id: number, userId: number | null): Promise<boolean> {
  if (userId === null) return false;
  const row = await getDb()
    .selectFrom("participations")
    .select("id")
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

async function counts(kind: VoteKind, id: number) {
  const { ballots, paper } = await getDb()
    .selectFrom("ballots")
    .select((eb) => [
      eb.fn.countAll<number>().as("ballots"),
      eb.fn.sum<number>(eb.case().when("channel", "=", "paper").then(1).else(0).end()).as("paper"),
    ])
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .executeTakeFirstOrThrow();
  return { ballots: Number(ballots), paper: Number(paper ?? 0) };
}

export async function pollPage(actor: Actor, id: number) {
  const poll = await loadPoll(id).catch((e: unknown) => {
    if (e instanceof DomainError && e.status === 404) return null;
    throw e;
  });
  if (!poll) return null;
  authorize(actor, "poll.view");
  const db = getDb();
  const phase: Phase = phaseOf(poll);
  const target = await pollTarget(poll);
  const canManage = can(actor, "ballot.enterPaper", { communityId: poll.communityId });
  const [details, options, voted, tally, community, meeting] = await Promise.all([
    db
      .selectFrom("polls")
      .select(["description", "createdAt"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("pollOptions")
      .select(["id", "code", "label"])
      .where("pollId", "=", id)
      .orderBy("position")
      .execute(),
    hasVoted("poll", id, actor.userId),
    counts("poll", id),
    db
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("id", "=", poll.communityId)
      .executeTakeFirstOrThrow(),
    poll.meetingId === null
      ? null
      : db
          .selectFrom("meetings")
          .select(["id", "topic"])
          .where("id", "=", poll.meetingId)
          .executeTakeFirst(),
  ]);
  // Results: live if the creator chose so, otherwise only once voting has closed.
  const showResults = poll.results === "live" || phase === "closed";
  let results: Array<{ optionId: number; votes: number }> | null = null;
  if (showResults) {
    // Counted by SQLite over the JSON arrays: a live poll page is reloaded by every watcher as
    // ballots arrive, and must not parse every ballot in JavaScript each time.
    const rows = await sql<{ optionId: number; votes: number }>`
      select cast(j.value as integer) as option_id, count(*) as votes
      from ballots b, json_each(b.choices) j
      where b.poll_id = ${id}
      group by j.value`.execute(db);
    const counted = new Map(rows.rows.map((r) => [Number(r.optionId), Number(r.votes)]));
    results = options.map((o) => ({ optionId: o.id, votes: counted.get(o.id) ?? 0 }));
  }

  return {
    poll: { ...poll, ...details },
    options,
    phase,
    community,
    meeting: meeting ?? null,
    results,
    ballots: tally.ballots,
    paperBallots: tally.paper,
    viewer: {
      signedIn: actor.userId !== null,
      voted,
      canVote: phase === "open" && !voted && can(actor, "poll.vote", target),
      eligible: can(actor, "poll.vote", target),
      // Why not, as the policy says: the page words "not eligible" and "not on someone's behalf".
      refusal: refusalOf(decide(actor, "poll.vote", target)),
      canManage,
    },
    paper: canManage ? await paperEntries("poll", id) : null,
    voters:
      canManage && phase === "open"
        ? await eligibleNonVoters(
            "poll",
            id,
            poll.communityId,
            poll.electorate === "seatHolders" ? poll.meetingId : null,
          )
        : null,
  };
}

export async function roundPage(actor: Actor, id: number) {
  const round = await loadRound(id).catch((e: unknown) => {
    if (e instanceof DomainError && e.status === 404) return null;
    throw e;
  });
  if (!round) return null;
  authorize(actor, "budget.view");
  await ensureTallied(id);
  const db = getDb();
  const phase = phaseOf(round);
  const canManage = can(actor, "ballot.enterPaper", { communityId: round.communityId });
  const [details, projects, voted, tally, community] = await Promise.all([
    db
      .selectFrom("budgetRounds")
      .select(["description", "talliedAt", "spent", "createdAt"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("roundProjects")
      .innerJoin("projects", "projects.id", "roundProjects.projectId")
      .select([
        "projects.id",
        "projects.title",
        "projects.summary",
        "projects.status",
        "roundProjects.cost",
        "roundProjects.approvals",
        "roundProjects.selected",
      ])
      .where("roundProjects.roundId", "=", id)
      .orderBy("roundProjects.position")
      .execute(),
    hasVoted("round", id, actor.userId),
    counts("round", id),
    db
      .selectFrom("areas")
      .select(["id", "nameZh", "nameEn"])
      .where("id", "=", round.communityId)
      .executeTakeFirstOrThrow(),
  ]);
  const target = { communityId: round.communityId };
  return {
    round: { ...round, ...details },
    projects,
    phase,
    community,
    ballots: tally.ballots,
    paperBallots: tally.paper,
    viewer: {
      signedIn: actor.userId !== null,
      voted,
      canVote: phase === "open" && !voted && can(actor, "budget.vote", target),
      eligible: can(actor, "budget.vote", target),
      refusal: refusalOf(decide(actor, "budget.vote", target)),
      canManage,
    },
    paper: canManage ? await paperEntries("round", id) : null,
    voters:
      canManage && phase === "open"
        ? await eligibleNonVoters("round", id, round.communityId)
        : null,
  };
}

/** Polls and rounds of a community (and optionally one meeting), newest first. */
export async function votesOf(communityId: number, meetingId?: number) {
  const db = getDb();
  const [polls, rounds] = await Promise.all([
    db
      .selectFrom("polls")
      .select(["id", "question", "opensAt", "closesAt", "meetingId"])
      .where("communityId", "=", communityId)
      .$if(meetingId !== undefined, (q) => q.where("meetingId", "=", meetingId!))
      .orderBy("closesAt", "desc")
      .limit(20)
      .execute(),
    meetingId !== undefined
      ? Promise.resolve([])
      : db
          .selectFrom("budgetRounds")
          .select(["id", "title", "opensAt", "closesAt"])
          .where("communityId", "=", communityId)
          .orderBy("closesAt", "desc")
          .limit(10)
          .execute(),
  ]);
  return {
    polls: polls.map((p) => ({ ...p, phase: phaseOf(p) })),
    rounds: rounds.map((r) => ({ ...r, phase: phaseOf(r) })),
  };
}

/** Accepted projects of a community free to stand in a new round, for its form. */
export async function acceptedProjects(actor: Actor, communityId: number) {
  authorize(actor, "budget.manage", { communityId });
  return (
    getDb()
      .selectFrom("projects")
      .select(["id", "title", "budgetTotal"])
      .where("communityId", "=", communityId)
      .where("status", "=", "accepted")
      // Not those already standing in a round that has not been counted.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("roundProjects")
              .innerJoin("budgetRounds", "budgetRounds.id", "roundProjects.roundId")
              .select("roundProjects.projectId")
              .whereRef("roundProjects.projectId", "=", "projects.id")
              .where("budgetRounds.talliedAt", "is", null),
          ),
        ),
      )
      .orderBy("id")
      .execute()
  );
}

/** The round's data for a Pabulib file (anonymised voter ids), once closed. */
export async function roundForExport(id: number) {
  const round = await loadRound(id);
  if (phaseOf(round) !== "closed") throw new DomainError(409, "vote:errors.notClosedYet");
  await ensureTallied(id);
  const db = getDb();
  const [projects, ballots, community] = await Promise.all([
    db
      .selectFrom("roundProjects")
      .innerJoin("projects", "projects.id", "roundProjects.projectId")
      .select([
        "projects.id",
        "projects.title",
        "roundProjects.cost",
        "roundProjects.approvals",
        "roundProjects.selected",
      ])
      .where("roundId", "=", id)
      .orderBy("roundProjects.position")
      .execute(),
    publishedBallots("round", id),
    db
      .selectFrom("areas")
      .select(["nameZh", "nameEn", "code"])
      .where("id", "=", round.communityId)
      .executeTakeFirstOrThrow(),
  ]);
  return { round, projects, ballots, community };
}
