/**
 * Minutes per agenda item, and the commitments a meeting makes with their dated updates: the
 * writes. Each is a command (see `../runner/command.server.ts`); the runner writes the audit entry.
 */
import { DomainError } from "~/domain/errors";
import { canMoveCommitment } from "~/domain/meetings/rules";
import { commitmentSchema, commitmentUpdateSchema, minutesSchema } from "~/domain/meetings/schemas";
import { loginColumn } from "../accounts/queries.server";
import { notFound } from "../rows.server";
import { command } from "../runner/command.server";
import {
  agendaItem,
  loadMeeting,
  loadMeetingContext,
  meetingEntry,
  meetingInput,
  targetOf,
  type MeetingContext,
} from "./context.server";

/** Minutes record what was said: not before the meeting has begun. */
function checkStarted(ctx: MeetingContext) {
  if (ctx.status === "scheduled") throw new DomainError(409, "meeting:errors.minutesTooEarly");
}

/** Writes (or rewrites) the minutes of one agenda item. */
export const writeMinutes = command({
  action: "minutes.write",
  input: minutesSchema.and(meetingInput),
  load: loadMeeting,
  target: targetOf,
  run: async ({ trx, actor, input, loaded: ctx, at, emit }) => {
    checkStarted(ctx);
    const item = await agendaItem(trx, ctx.id, input.agendaItemId);
    const text = {
      summary: input.summary,
      decisions: input.decisions,
      updatedBy: actor.userId,
      updatedAt: at,
    };
    await trx
      .insertInto("minutes")
      .values({ meetingId: ctx.id, agendaItemId: item.id, ...text })
      .onConflict((oc) => oc.columns(["meetingId", "agendaItemId"]).doUpdateSet(text))
      .execute();
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
    return item;
  },
  audit: ({ loaded: ctx }, item) => meetingEntry(ctx, { agendaItem: item.title }),
});

export const addCommitment = command({
  action: "minutes.write",
  input: commitmentSchema.and(meetingInput),
  load: loadMeeting,
  target: targetOf,
  run: async ({ trx, actor, input, loaded: ctx, at, emit }) => {
    checkStarted(ctx);
    if (input.agendaItemId !== null) await agendaItem(trx, ctx.id, input.agendaItemId);
    // The account answerable for it, when named: reminded as it falls due (../notices/timed.server.ts).
    const owner =
      input.ownerLogin === null
        ? null
        : await trx
            .selectFrom("users")
            .select("id")
            .where(loginColumn(input.ownerLogin), "=", input.ownerLogin.value)
            .where("deletedAt", "is", null)
            .executeTakeFirstOrThrow(notFound("meeting:errors.ownerNotFound", "ownerLogin"));
    const row = await trx
      .insertInto("commitments")
      .values({
        meetingId: ctx.id,
        what: input.what,
        ownerKind: input.ownerKind,
        ownerName: input.ownerName,
        ownerUserId: owner?.id ?? null,
        dueDate: input.dueDate,
        agendaItemId: input.agendaItemId,
        status: "open",
        createdBy: actor.userId,
        createdAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
    return row.id;
  },
  audit: ({ input, loaded: ctx }, commitmentId) => ({
    areaId: ctx.communityId,
    subjectType: "commitment",
    subjectId: commitmentId,
    details: {
      what: input.what,
      owner: input.ownerName,
      ...(input.ownerLogin !== null ? { ownerAccount: true } : {}),
      due: input.dueDate,
    },
  }),
});

/** A step forward, or (the same status with a note) a progress update. */
export const updateCommitment = command({
  action: "commitment.update",
  input: commitmentUpdateSchema,
  load: async ({ trx, input }) => {
    const commitment = await trx
      .selectFrom("commitments")
      .select(["id", "meetingId", "status", "what"])
      .where("id", "=", input.commitmentId)
      .executeTakeFirstOrThrow(notFound("meeting:errors.commitmentNotFound"));
    return { commitment, ctx: await loadMeetingContext(trx, commitment.meetingId) };
  },
  target: ({ ctx }) => targetOf(ctx),
  run: async ({ trx, actor, input, loaded: { commitment: c, ctx }, at, emit }) => {
    if (input.status !== c.status && !canMoveCommitment(c.status, input.status)) {
      throw new DomainError(409, "meeting:errors.badCommitmentMove", {}, "status");
    }
    if (input.status === c.status && (c.status === "done" || c.status === "dropped")) {
      throw new DomainError(409, "meeting:errors.commitmentFinished", {}, "status");
    }
    const moved = await trx
      .updateTable("commitments")
      .set({ status: input.status })
      .where("id", "=", c.id)
      // Two updates read the same status: the second must not step from where the first left.
      .where("status", "=", c.status)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) {
      throw new DomainError(409, "meeting:errors.badCommitmentMove", {}, "status");
    }
    await trx
      .insertInto("commitmentUpdates")
      .values({
        commitmentId: c.id,
        status: input.status,
        note: input.note,
        createdBy: actor.userId,
        createdAt: at,
      })
      .execute();
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: c.meetingId });
  },
  audit: ({ input, loaded: { commitment: c, ctx } }) => ({
    areaId: ctx.communityId,
    subjectType: "commitment",
    subjectId: c.id,
    details: { what: c.what, from: c.status, to: input.status, note: input.note },
  }),
});
