/**
 * What the project commands share: finding a project as the actor may see it, writing its history,
 * and moving a submitted project under review once it has the supports its community asks for.
 */
import { DomainError } from "~/domain/errors";
import { can, type Actor } from "~/domain/permissions/policy";
import { isPublicStatus, projectTarget, type ProjectStatus } from "~/domain/projects/rules";
import { assistedBy } from "../assistance/actor";
import { notFound } from "../rows.server";
import { type Db, type Trx } from "../runner/command.server";

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
export type ProjectRow = Awaited<ReturnType<typeof loadProject>>;

/** A project the actor may see: drafts exist only for the people writing them. */
export async function visibleProject(db: Db, actor: Actor, projectId: number) {
  const p = await loadProject(db, projectId);
  if (!isPublicStatus(p.status) && !can(actor, "project.viewDraft", projectTarget(p))) {
    throw new DomainError(404, "project:errors.notFound");
  }
  return p;
}

export const loadVisible = ({
  trx,
  actor,
  input,
}: {
  trx: Trx;
  actor: Actor;
  input: { id: number };
}) => visibleProject(trx, actor, input.id);

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

/** Moves a submitted project under review once it has as many supports as the community asks. */
export async function reviewIfSupported(
  trx: Trx,
  at: string,
  projectId: number,
  communityId: number,
) {
  const setting = await trx
    .selectFrom("communitySettings")
    .select("supportThreshold")
    .where("communityId", "=", communityId)
    .executeTakeFirst();
  const threshold = setting?.supportThreshold ?? null;
  if (threshold === null) return;
  const moved = await trx
    .updateTable("projects")
    .set({ status: "underReview", updatedAt: at })
    .where("id", "=", projectId)
    .where("status", "=", "submitted")
    .where("supportCount", ">=", threshold)
    .executeTakeFirst();
  if (moved.numUpdatedRows > 0n) {
    await record(
      trx,
      at,
      projectId,
      "autoReview",
      "submitted",
      "underReview",
      null,
      `${threshold}`,
    );
  }
}
