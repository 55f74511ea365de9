/**
 * What the project commands share: finding a project as the actor may see it, writing its history,
 * and moving a submitted project under review once it has the supports its community asks for.
 */
import { DomainError } from "~/domain/errors";
import type { Actor } from "~/domain/permissions/policy";
import { mayViewProject, type ProjectStatus } from "~/domain/projects/rules";
import { assistedBy } from "../assistance/actor";
import { notFound } from "../rows.server";
import { SUPPORTED_STEPS, type NoticeDraft } from "~/domain/notices/kinds";
import { type Db, type LoadCtx, type Trx } from "../runner/command.server";

export function loadProject(db: Db, projectId: number) {
  return db
    .selectFrom("projects")
    .select([
      "id",
      "status",
      "communityId",
      "proposerId",
      "organisationId",
      "title",
      "supportCount",
      "photo",
    ])
    .where("id", "=", projectId)
    .executeTakeFirstOrThrow(notFound("project:errors.notFound"));
}

/** A project the actor may see: drafts exist only for the people writing them. */
export async function visibleProject(db: Db, actor: Actor, projectId: number) {
  const p = await loadProject(db, projectId);
  if (!mayViewProject(actor, p)) throw new DomainError(404, "project:errors.notFound");
  return p;
}

export const loadVisible = ({ trx, actor, input }: LoadCtx<{ id: number }>) =>
  visibleProject(trx, actor, input.id);

export const about = (p: { id: number }) => ({ type: "project", id: p.id });

export async function record(
  trx: Trx,
  at: string,
  projectId: number,
  step: string,
  from: ProjectStatus | null,
  to: ProjectStatus,
  actor: Actor | null,
  reason: string | null = null,
) {
  await trx
    .insertInto("projectEvents")
    .values({
      projectId,
      step,
      fromStatus: from,
      toStatus: to,
      actorId: actor?.userId ?? null,
      reason,
      at,
      assistedBy: actor ? assistedBy(actor) : null,
    })
    .execute();
}

/**
 * Tells the proposer that their project moved a step, with its reason (a protected notice: their
 * own proposal). The actor is never told of their own step (the delivery drops them).
 */
export function notifyStep(
  notify: (draft: NoticeDraft) => void,
  p: { id: number; title: string; proposerId: number | null },
  step: string,
  reason: string | null,
) {
  notifySupporters(notify, p, step);
  if (p.proposerId === null) return;
  notify({
    kind: "project.stepped",
    subject: { type: "project", id: p.id },
    params: { title: p.title, step, reason },
    recipients: { users: [p.proposerId] },
  });
}

/**
 * Tells a project's supporters that it was accepted, selected or completed. They may be many: the
 * delivery reads them a chunk at a time, leaving out the proposer (told by `project.stepped`).
 */
export function notifySupporters(
  notify: (draft: NoticeDraft) => void,
  p: { id: number; title: string },
  step: string,
) {
  const supported = SUPPORTED_STEPS.find((s) => s === step);
  if (!supported) return;
  notify({
    kind: "project.supported",
    subject: { type: "project", id: p.id },
    params: { title: p.title, step: supported },
    recipients: { project: p.id, who: "supporters" },
  });
}

/** Moves a submitted project under review once it has as many supports as the community asks. */
export async function reviewIfSupported(
  trx: Trx,
  at: string,
  projectId: number,
  communityId: number,
  notify: (draft: NoticeDraft) => void,
) {
  const threshold = await supportThreshold(trx, communityId);
  if (threshold === null) return;
  const moved = await trx
    .updateTable("projects")
    .set({ status: "underReview", updatedAt: at })
    .where("id", "=", projectId)
    .where("status", "=", "submitted")
    .where("supportCount", ">=", threshold)
    .executeTakeFirst();
  if (moved.numUpdatedRows === 0n) return;
  await record(trx, at, projectId, "autoReview", "submitted", "underReview", null, `${threshold}`);
  const p = await loadProject(trx, projectId);
  notifyStep(notify, p, "autoReview", null);
}

/** The supports a submitted project of this community needs to go under review; null for none. */
export async function supportThreshold(db: Db, communityId: number): Promise<number | null> {
  const row = await db
    .selectFrom("communitySettings")
    .select("supportThreshold")
    .where("communityId", "=", communityId)
    .executeTakeFirst();
  return row?.supportThreshold ?? null;
}
