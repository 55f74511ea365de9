/**
 * Paper ballots, the way polling stations handle them (issue 13, "ballot secrecy").
 *
 * While voting is open, a committee member at the service window records only *that* a resident
 * voted on paper (`recordPaperVoter`): the resident is marked in the register, so they cannot vote
 * online as well, and their folded paper goes into the box. Nobody types a named resident's
 * choices.
 *
 * After closing, the box is opened and counted: members enter each paper's choices as an anonymous
 * ballot (`addBoxBallot`) or mark it spoiled (`markSpoiled`), correct mistakes
 * (`removeBoxBallot`), and submit the count (`submitCount`), which must account for every
 * resident recorded at the window, or say why not. A second member confirms it, or sends it back
 * (`decideCount`); on confirmation the box's ballots join the others under fresh receipt codes.
 * Results, the published ballots and a round's tally wait for that (`paperBox(...).settled`).
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { can, type Actor } from "~/domain/permissions/policy";
import { checkCountComplete, checkOpen, checkRoomInBox, phaseOf } from "~/domain/voting/rules";
import {
  ballotSchema,
  decideCountSchema,
  paperVoterSchema,
  submitCountSchema,
  VOTE_KINDS,
  type VoteKind,
} from "~/domain/voting/schemas";
import { formChoice, formId, id } from "~/domain/validation";
import { countOf } from "../rows.server";
import type { AuditEntry, Trx } from "../runner/command.server";
import { command } from "../runner/command.server";
import { ballotBox, newReceipt, participate, subjectOf } from "./ballots.server";
import { paperBox, subjectColumn } from "./records.server";

/** Which poll or round: from the page's address. */
const where = z.object({ kind: z.enum(VOTE_KINDS), id });

const auditSubject = (kind: VoteKind, id: number) => ({
  subjectType: kind === "poll" ? "poll" : "budgetRound",
  subjectId: id,
});

/**
 * At the service window: the resident handed in a paper ballot. Only their participation is
 * written; their paper stays folded in the box until the count.
 */
export const recordPaperVoter = command({
  action: "ballot.enterPaper",
  input: paperVoterSchema.merge(where),
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
      gridWorkerOf: [],
      commandRoomOf: [],
      unitOf: [],
    };
    if (!voter || !can(asVoter, box.voteAction, box.target)) {
      throw new DomainError(403, "vote:errors.voterNotEligible", {}, "voter");
    }
    checkOpen(box.window, now);
    const participationId = await participate(trx, input.kind, input.id, voterId, at, actor.userId);
    if (participationId === undefined) {
      throw new DomainError(409, "vote:errors.residentVoted", {}, "voter");
    }
    emit({ type: "vote.changed", communityId: box.communityId, kind: input.kind, id: input.id });
    return participationId;
  },
  // The log says who recorded whom at the window; there is nothing else to say.
  audit: ({ input, loaded: box }, participationId) => ({
    areaId: box.communityId,
    ...auditSubject(input.kind, input.id),
    details: { voterId: input.voter, participationId },
  }),
});

/** The box of a closed poll or round as its count needs it. */
async function loadCount(trx: Trx, kind: VoteKind, id: number) {
  const ballot = await ballotBox(trx, kind, id);
  return { ...ballot, box: await paperBox(trx, kind, id) };
}
type Loaded = Awaited<ReturnType<typeof loadCount>>;

/**
 * The count being entered: refused before closing, with no paper voter, once submitted (send it
 * back first) or confirmed. Begins the count on its first entry.
 */
async function countInProgress(
  trx: Trx,
  kind: VoteKind,
  id: number,
  loaded: Loaded,
  now: Date,
): Promise<number> {
  if (phaseOf(loaded.window, now) !== "closed") {
    throw new DomainError(409, "vote:errors.countAfterClose");
  }
  const { box } = loaded;
  if (box.expected === 0) throw new DomainError(409, "vote:errors.noPaperVoters");
  if (box.count?.confirmedAt) throw new DomainError(409, "vote:errors.countConfirmed");
  if (box.count?.submittedAt) throw new DomainError(409, "vote:errors.countSubmitted");
  if (box.count) return box.count.id;
  await trx
    .insertInto("paperCounts")
    .values({ ...subjectOf(kind, id), createdAt: now.toISOString() })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const { id: countId } = await trx
    .selectFrom("paperCounts")
    .select("id")
    .where(subjectColumn(kind), "=", id)
    .executeTakeFirstOrThrow();
  return countId;
}

/** Audit entries of the count: what changed and where the count stands; never a ballot's choices. */
function countEntry(
  kind: VoteKind,
  id: number,
  loaded: Loaded,
  details: Record<string, unknown>,
): AuditEntry {
  return { areaId: loaded.communityId, ...auditSubject(kind, id), details };
}

/** One paper from the box, its choices typed in: an anonymous ballot, checked as a vote is. */
export const addBoxBallot = command({
  action: "ballot.countPaper",
  input: ballotSchema.merge(where),
  load: ({ trx, input }) => loadCount(trx, input.kind, input.id),
  target: (l) => ({ communityId: l.communityId }),
  run: async ({ trx, actor, input, loaded, now, emit }) => {
    const countId = await countInProgress(trx, input.kind, input.id, loaded, now);
    checkRoomInBox(loaded.box);
    const choices = loaded.check(input.choice);
    const { id: entryId } = await trx
      .insertInto("paperCountBallots")
      .values({ countId, choices: JSON.stringify(choices), enteredBy: actor.userId })
      .returning("id")
      .executeTakeFirstOrThrow();
    emit({ type: "vote.changed", communityId: loaded.communityId, kind: input.kind, id: input.id });
    return entryId;
  },
  audit: ({ input, loaded }) =>
    countEntry(input.kind, input.id, loaded, {
      change: "ballotEntered",
      entered: loaded.box.entered + 1,
    }),
});

/** A paper that counts for nothing (blank, unreadable, more boxes ticked than allowed), or not. */
export const markSpoiled = command({
  action: "ballot.countPaper",
  input: where.extend({ change: formChoice(["add", "remove"]) }),
  load: ({ trx, input }) => loadCount(trx, input.kind, input.id),
  target: (l) => ({ communityId: l.communityId }),
  run: async ({ trx, input, loaded, now, emit }) => {
    const countId = await countInProgress(trx, input.kind, input.id, loaded, now);
    if (input.change === "add") checkRoomInBox(loaded.box);
    else if (loaded.box.spoiled === 0) throw new DomainError(409, "vote:errors.noSpoiled");
    const updated = await trx
      .updateTable("paperCounts")
      .set((eb) => ({ spoiled: eb("spoiled", "+", input.change === "add" ? 1 : -1) }))
      .where("id", "=", countId)
      .where("spoiled", "=", loaded.box.spoiled)
      .executeTakeFirst();
    // Engines that let two transactions read the same row must not lose one of two marks.
    if (updated.numUpdatedRows === 0n) throw new DomainError(409, "vote:errors.countChanged");
    emit({ type: "vote.changed", communityId: loaded.communityId, kind: input.kind, id: input.id });
    return loaded.box.spoiled + (input.change === "add" ? 1 : -1);
  },
  audit: ({ input, loaded }, spoiled) =>
    countEntry(input.kind, input.id, loaded, {
      change: input.change === "add" ? "spoiledAdded" : "spoiledRemoved",
      spoiled,
    }),
});

/** A box ballot typed in by mistake, taken out again before the count is submitted. */
export const removeBoxBallot = command({
  action: "ballot.countPaper",
  input: where.extend({ entry: formId }),
  load: ({ trx, input }) => loadCount(trx, input.kind, input.id),
  target: (l) => ({ communityId: l.communityId }),
  run: async ({ trx, input, loaded, now, emit }) => {
    const countId = await countInProgress(trx, input.kind, input.id, loaded, now);
    const removed = await trx
      .deleteFrom("paperCountBallots")
      .where("id", "=", input.entry)
      .where("countId", "=", countId)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n) throw new DomainError(404, "vote:errors.boxEntryNotFound");
    emit({ type: "vote.changed", communityId: loaded.communityId, kind: input.kind, id: input.id });
  },
  audit: ({ input, loaded }) =>
    countEntry(input.kind, input.id, loaded, {
      change: "ballotRemoved",
      entered: loaded.box.entered - 1,
    }),
});

/** The count is complete (or short, with the reason): a second member is asked to confirm it. */
export const submitCount = command({
  action: "ballot.countPaper",
  input: submitCountSchema.merge(where),
  load: ({ trx, input }) => loadCount(trx, input.kind, input.id),
  target: (l) => ({ communityId: l.communityId }),
  run: async ({ trx, actor, input, loaded, at, now, emit }) => {
    const countId = await countInProgress(trx, input.kind, input.id, loaded, now);
    checkCountComplete(loaded.box, input.note);
    const updated = await trx
      .updateTable("paperCounts")
      .set({ submittedBy: actor.userId, submittedAt: at, note: input.note })
      .where("id", "=", countId)
      .where("submittedAt", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new DomainError(409, "vote:errors.countSubmitted");
    emit({ type: "vote.changed", communityId: loaded.communityId, kind: input.kind, id: input.id });
  },
  audit: ({ input, loaded }) =>
    countEntry(input.kind, input.id, loaded, {
      change: "countSubmitted",
      expected: loaded.box.expected,
      entered: loaded.box.entered,
      spoiled: loaded.box.spoiled,
      note: input.note,
    }),
});

/**
 * A second member confirms the submitted count, and the box's ballots join the others under fresh
 * receipt codes; or sends it back to be corrected. Where the community has only one serving
 * member, they may confirm their own count, which is then marked for review.
 */
export const decideCount = command({
  action: "ballot.confirmPaper",
  input: decideCountSchema.merge(where),
  load: ({ trx, input }) => loadCount(trx, input.kind, input.id),
  target: (l) => ({ communityId: l.communityId }),
  run: async ({ trx, actor, input, loaded, at, emit }) => {
    const count = loaded.box.count;
    if (count?.confirmedAt) throw new DomainError(409, "vote:errors.countConfirmed");
    if (!count?.submittedAt) throw new DomainError(409, "vote:errors.countNotSubmitted");
    const changed = () => new DomainError(409, "vote:errors.countChanged");
    if (input.decision === "return") {
      const updated = await trx
        .updateTable("paperCounts")
        .set({ submittedBy: null, submittedAt: null })
        .where("id", "=", count.id)
        .where("submittedAt", "=", count.submittedAt)
        .where("confirmedAt", "is", null)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw changed();
      emit({
        type: "vote.changed",
        communityId: loaded.communityId,
        kind: input.kind,
        id: input.id,
      });
      return { needsReview: false, ballots: 0 };
    }
    let needsReview = false;
    if (count.submittedBy === actor.userId) {
      const serving = await countOf(
        trx
          .selectFrom("committeeMembers")
          .where("communityId", "=", loaded.communityId)
          .where("endedAt", "is", null),
      );
      if (serving >= 2) throw new DomainError(409, "vote:errors.confirmOwnCount");
      needsReview = true;
    }
    const updated = await trx
      .updateTable("paperCounts")
      .set({ confirmedBy: actor.userId, confirmedAt: at, needsReview: needsReview ? 1 : 0 })
      .where("id", "=", count.id)
      .where("submittedAt", "=", count.submittedAt)
      .where("confirmedAt", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw changed();
    const papers = await trx
      .selectFrom("paperCountBallots")
      .select("choices")
      .where("countId", "=", count.id)
      .execute();
    if (papers.length > 0) {
      const subject = subjectOf(input.kind, input.id);
      await trx
        .insertInto("ballots")
        .values(
          papers.map((p) => ({
            ...subject,
            receipt: newReceipt(),
            choices: p.choices,
            channel: "paper" as const,
          })),
        )
        .execute();
    }
    await trx.deleteFrom("paperCountBallots").where("countId", "=", count.id).execute();
    emit({ type: "vote.changed", communityId: loaded.communityId, kind: input.kind, id: input.id });
    return { needsReview, ballots: papers.length };
  },
  audit: ({ input, loaded }, r) =>
    countEntry(input.kind, input.id, loaded, {
      change: input.decision === "confirm" ? "countConfirmed" : "countReturned",
      ...(input.decision === "confirm"
        ? { ballots: r.ballots, spoiled: loaded.box.spoiled, needsReview: r.needsReview }
        : {}),
    }),
});
