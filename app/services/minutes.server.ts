/** Minutes per agenda item, and the commitments a meeting makes, with their dated updates. */
import { getDb } from "../../db/client.server";
import type { CommitmentStatus, OwnerKind } from "../../db/schema";
import { DomainError } from "~/domain/errors";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { canMoveCommitment } from "~/domain/meetings/rules";
import { writeAudit } from "./audit.server";
import { emitEvent } from "./events.server";
import { meetingContext, targetOf } from "./meetings.server";

export async function writeMinutes(
  actor: Actor,
  meetingId: number,
  input: { agendaItemId: number; summary: string; decisions: string },
): Promise<void> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "minutes.write", targetOf(ctx));
  if (ctx.status === "scheduled") throw new DomainError(409, "meeting:errors.minutesTooEarly");
  const db = getDb();
  const item = await db
    .selectFrom("agendaItems")
    .select(["id", "title"])
    .where("id", "=", input.agendaItemId)
    .where("meetingId", "=", meetingId)
    .executeTakeFirst();
  if (!item) throw new DomainError(404, "meeting:errors.agendaItemNotFound", {}, "agendaItemId");
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    await trx
      .insertInto("minutes")
      .values({
        meetingId,
        agendaItemId: item.id,
        summary: input.summary,
        decisions: input.decisions,
        updatedBy: actor.userId,
        updatedAt: now,
      })
      .onConflict((oc) =>
        oc.columns(["meetingId", "agendaItemId"]).doUpdateSet({
          summary: input.summary,
          decisions: input.decisions,
          updatedBy: actor.userId,
          updatedAt: now,
        }),
      )
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "minutes.write",
      areaId: ctx.communityId,
      subjectType: "meeting",
      subjectId: meetingId,
      details: { agendaItem: item.title },
    });
  });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId });
}

export interface CommitmentInput {
  what: string;
  ownerKind: OwnerKind;
  ownerName: string;
  dueDate: string;
  agendaItemId: number | null;
}

export async function addCommitment(
  actor: Actor,
  meetingId: number,
  input: CommitmentInput,
): Promise<number> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "minutes.write", targetOf(ctx));
  if (ctx.status === "scheduled") throw new DomainError(409, "meeting:errors.minutesTooEarly");
  const db = getDb();
  if (input.agendaItemId !== null) {
    const item = await db
      .selectFrom("agendaItems")
      .select("id")
      .where("id", "=", input.agendaItemId)
      .where("meetingId", "=", meetingId)
      .executeTakeFirst();
    if (!item) throw new DomainError(404, "meeting:errors.agendaItemNotFound", {}, "agendaItemId");
  }
  const id = await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const row = await trx
      .insertInto("commitments")
      .values({ meetingId, ...input, status: "open", createdBy: actor.userId, createdAt: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "minutes.write",
      areaId: ctx.communityId,
      subjectType: "commitment",
      subjectId: row.id,
      details: { what: input.what, owner: input.ownerName, due: input.dueDate },
    });
    return row.id;
  });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId });
  return id;
}

export async function updateCommitment(
  actor: Actor,
  commitmentId: number,
  input: { status: CommitmentStatus; note: string },
): Promise<void> {
  const db = getDb();
  const c = await db
    .selectFrom("commitments")
    .select(["id", "meetingId", "status", "what"])
    .where("id", "=", commitmentId)
    .executeTakeFirst();
  if (!c) throw new DomainError(404, "meeting:errors.commitmentNotFound");
  const ctx = await meetingContext(c.meetingId);
  authorize(actor, "commitment.update", targetOf(ctx));
  // The same status with a note is a progress update; a new status must be a step forward.
  if (input.status !== c.status && !canMoveCommitment(c.status, input.status)) {
    throw new DomainError(409, "meeting:errors.badCommitmentMove", {}, "status");
  }
  if (input.status === c.status && (c.status === "done" || c.status === "dropped")) {
    throw new DomainError(409, "meeting:errors.commitmentFinished", {}, "status");
  }
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    await trx
      .updateTable("commitments")
      .set({ status: input.status })
      .where("id", "=", commitmentId)
      .execute();
    await trx
      .insertInto("commitmentUpdates")
      .values({
        commitmentId,
        status: input.status,
        note: input.note,
        createdBy: actor.userId,
        createdAt: now,
      })
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "commitment.update",
      areaId: ctx.communityId,
      subjectType: "commitment",
      subjectId: commitmentId,
      details: { what: c.what, from: c.status, to: input.status, note: input.note },
    });
  });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId: c.meetingId });
}

export async function commitmentUpdates(commitmentIds: number[]) {
  if (commitmentIds.length === 0) return [];
  return getDb()
    .selectFrom("commitmentUpdates")
    .select(["id", "commitmentId", "status", "note", "createdAt"])
    .where("commitmentId", "in", commitmentIds)
    .orderBy("id")
    .execute();
}
