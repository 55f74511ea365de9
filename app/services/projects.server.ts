/**
 * Micro-projects (微实事): proposals with itemised budgets, their lifecycle, supports, progress
 * reports, ratings and comments. Every step is one transaction that also writes the project's
 * history (and the audit log for the audited actions), then emits `project.changed`.
 */
import type { Kysely, Transaction } from "kysely";
import { getDb } from "../../db/client.server";
import type { Database, ProjectStatus, ServiceArea } from "../../db/schema";
import { DomainError } from "~/domain/errors";
import { authorize, can, policy, type ActionPolicy, type Actor } from "~/domain/permissions/policy";
import {
  availableSteps,
  averageRating,
  checkStep,
  FLAGS_TO_HIDE,
  isEditable,
  isPublicStatus,
  isSupportable,
  projectTarget,
  type ProjectRef,
  type Step,
} from "~/domain/projects/rules";
import type { ProjectInput, UpdateInput } from "~/domain/projects/schemas";
import { matchExpression } from "~/domain/search/segment";
import { writeAudit } from "./audit.server";
import { assistedBy, noteAssisted } from "./assistance.server";
import { emitEvent } from "./events.server";
import { deletePhoto, storePhoto } from "./photos.server";
import { matchingIds, rankExpression, reindex } from "./search.server";

type Db = Kysely<Database> | Transaction<Database>;

export const PROJECTS_PAGE = 20;
/** Comments a person may post per minute on projects: enough to talk, too few to flood. */
export const COMMENTS_PER_MINUTE = 5;

interface ProjectRow extends ProjectRef {
  id: number;
  title: string;
  supportCount: number;
}

async function loadProject(db: Db, id: number): Promise<ProjectRow> {
  const p = await db
    .selectFrom("projects")
    .select([
      "id",
      "status",
      "communityId",
      "proposerId",
      "organisationId",
      "title",
      "supportCount",
    ])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!p) throw new DomainError(404, "project:errors.notFound");
  return p;
}

/** A project the actor may see: drafts exist only for the people writing them. */
async function visibleProject(actor: Actor, id: number): Promise<ProjectRow> {
  const p = await loadProject(getDb(), id);
  if (!isPublicStatus(p.status) && !can(actor, "project.viewDraft", projectTarget(p))) {
    throw new DomainError(404, "project:errors.notFound");
  }
  return p;
}

async function record(
  trx: Transaction<Database>,
  projectId: number,
  step: string,
  from: ProjectStatus | null,
  to: ProjectStatus,
  actorId: number | null,
  reason: string | null = null,
  assistedBy: number | null = null,
) {
  await trx
    .insertInto("projectEvents")
    .values({
      projectId,
      step,
      fromStatus: from,
      toStatus: to,
      actorId,
      reason,
      at: now(),
      assistedBy,
    })
    .execute();
}

const now = () => new Date().toISOString();

function searchTexts(input: {
  title: string;
  summary: string;
  description: string;
  place: string | null;
  beneficiaries: string;
}) {
  return [input.title, input.summary, input.description, input.place ?? "", input.beneficiaries];
}

/** A project's optional grid must be one of its community's grids. */
async function checkGrid(gridId: number | null, communityId: number): Promise<void> {
  if (gridId === null) return;
  const grid = await getDb()
    .selectFrom("areas")
    .select("id")
    .where("id", "=", gridId)
    .where("parentId", "=", communityId)
    .where("level", "=", "grid")
    .executeTakeFirst();
  if (!grid) throw new DomainError(400, "project:errors.badGrid", {}, "gridId");
}

/** Checks who proposes, for whom, where: a resident of the community, or a member for a serving organisation. */
async function checkProposer(actor: Actor, input: ProjectInput): Promise<void> {
  const db = getDb();
  const community = await db
    .selectFrom("areas")
    .select(["id", "level"])
    .where("id", "=", input.communityId)
    .executeTakeFirst();
  if (!community || community.level !== "community") {
    throw new DomainError(400, "project:errors.badCommunity", {}, "communityId");
  }
  await checkGrid(input.gridId, input.communityId);
  if (input.organisationId === null) {
    // Only the community's own verified residents propose in their own name.
    authorize(actor, "project.propose", { communityId: input.communityId });
    return;
  }
  // For an organisation the person must be its member; being a resident is not enough.
  authorize(actor, "project.propose", { organisationId: input.organisationId });
  const org = await db
    .selectFrom("organisations")
    .select("status")
    .where("id", "=", input.organisationId)
    .executeTakeFirst();
  if (!org || org.status !== "verified") {
    throw new DomainError(409, "project:errors.organisationNotVerified", {}, "organisationId");
  }
  const serves = await db
    .selectFrom("organisationCommunities")
    .select("communityId")
    .where("organisationId", "=", input.organisationId)
    .where("communityId", "=", input.communityId)
    .executeTakeFirst();
  if (!serves)
    throw new DomainError(400, "project:errors.organisationDoesNotServe", {}, "communityId");
}

async function writeItems(trx: Transaction<Database>, projectId: number, input: ProjectInput) {
  await trx.deleteFrom("projectBudgetItems").where("projectId", "=", projectId).execute();
  await trx
    .insertInto("projectBudgetItems")
    .values(input.items.map((item, position) => ({ projectId, position, ...item })))
    .execute();
}

/** Stores the photo first (it is slow), and removes it again if the database refuses the rest. */
async function withPhoto<T>(photo: Uint8Array | null, fn: (name: string | null) => Promise<T>) {
  const name = photo ? await storePhoto(photo) : null;
  try {
    return await fn(name);
  } catch (e) {
    await deletePhoto(name);
    throw e;
  }
}

export async function proposeProject(
  actor: Actor,
  input: ProjectInput,
  photo: Uint8Array | null = null,
): Promise<number> {
  await checkProposer(actor, input);
  const id = await withPhoto(photo, (name) =>
    getDb()
      .transaction()
      .execute(async (trx) => {
        const at = now();
        const { id } = await trx
          .insertInto("projects")
          .values({
            communityId: input.communityId,
            gridId: input.gridId,
            place: input.place ?? "",
            organisationId: input.organisationId,
            proposerId: actor.userId,
            title: input.title,
            summary: input.summary,
            description: input.description,
            category: input.category,
            beneficiaries: input.beneficiaries,
            startsOn: input.startsOn,
            endsOn: input.endsOn,
            budgetTotal: input.total,
            status: "draft",
            statusReason: null,
            photo: name,
            createdAt: at,
            updatedAt: at,
            submittedAt: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await writeItems(trx, id, input);
        await record(trx, id, "create", null, "draft", actor.userId, null, assistedBy(actor));
        await noteAssisted(trx, actor, "project.propose", { type: "project", id });
        await reindex(trx, "project", id, searchTexts(input));
        return id;
      }),
  );
  emitEvent({ type: "project.changed", communityId: input.communityId, projectId: id });
  return id;
}

/** Edits the text and budget; the community and organisation stay as proposed. */
export async function editProject(
  actor: Actor,
  id: number,
  input: Omit<ProjectInput, "communityId" | "organisationId">,
  photo: { replace: Uint8Array | null; remove: boolean } = { replace: null, remove: false },
): Promise<void> {
  const db = getDb();
  const p = await visibleProject(actor, id);
  authorize(actor, "project.edit", projectTarget(p));
  if (!isEditable(p.status)) throw new DomainError(409, "project:errors.notEditable");
  await checkGrid(input.gridId, p.communityId);
  const old = await db
    .selectFrom("projects")
    .select("photo")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  await withPhoto(photo.replace, (name) =>
    db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("projects")
        .set({
          gridId: input.gridId,
          place: input.place ?? "",
          title: input.title,
          summary: input.summary,
          description: input.description,
          category: input.category,
          beneficiaries: input.beneficiaries,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
          budgetTotal: input.total,
          updatedAt: now(),
          ...(name ? { photo: name } : photo.remove ? { photo: null } : {}),
        })
        .where("id", "=", id)
        // Someone may have submitted it meanwhile: the edit must not slip in after.
        .where("status", "in", ["draft", "returned"])
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw new DomainError(409, "project:errors.notEditable");
      await writeItems(trx, id, {
        ...input,
        communityId: p.communityId,
        organisationId: p.organisationId,
      });
      await record(trx, id, "edit", p.status, p.status, actor.userId, null, assistedBy(actor));
      await noteAssisted(trx, actor, "project.edit", { type: "project", id });
      await reindex(trx, "project", id, searchTexts(input));
    }),
  );
  if (photo.replace || photo.remove) await deletePhoto(old.photo);
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId: id });
}

/** Moves a submitted project under review once it has as many supports as the community asks. */
async function reviewIfSupported(
  trx: Transaction<Database>,
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
    .set({ status: "underReview", updatedAt: now() })
    .where("id", "=", projectId)
    .where("status", "=", "submitted")
    .where("supportCount", ">=", threshold)
    .executeTakeFirst();
  if (moved.numUpdatedRows > 0n) {
    await record(trx, projectId, "autoReview", "submitted", "underReview", null, String(threshold));
  }
}

export interface StepInput {
  reason?: string;
  report?: UpdateInput;
}

export async function takeStep(
  actor: Actor,
  id: number,
  step: Step,
  input: StepInput = {},
): Promise<void> {
  const p = await visibleProject(actor, id);
  const rule = checkStep(actor, p, step);
  const reason = input.reason?.trim() || null;
  if (rule.needsReason && !reason) {
    throw new DomainError(400, "project:errors.reasonRequired", {}, "reason");
  }
  if (step === "complete") {
    if (!input.report) throw new DomainError(400, "project:errors.reportRequired", {}, "body");
    checkReportDate(input.report);
  }
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const at = now();
      const moved = await trx
        .updateTable("projects")
        .set({
          status: rule.to,
          updatedAt: at,
          ...(rule.needsReason ? { statusReason: reason } : {}),
          ...(step === "submit" ? { submittedAt: at, statusReason: null } : {}),
        })
        .where("id", "=", id)
        // The status read above may be stale: two committee members clicking at once get one step.
        .where("status", "=", p.status)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) {
        throw new DomainError(409, "project:errors.stepNotAllowed", { step, status: p.status });
      }
      if (step === "complete" && input.report) {
        await addUpdateRow(trx, id, actor.userId, "final", input.report);
      }
      await record(trx, id, step, p.status, rule.to, actor.userId, reason, assistedBy(actor));
      // Only the proposer's own steps (submitting) pass the policy in a sitting.
      await noteAssisted(trx, actor, rule.action, { type: "project", id });
      if ((policy[rule.action] as ActionPolicy).audited) {
        await writeAudit(trx, {
          actorId: actor.userId,
          action: rule.action,
          areaId: p.communityId,
          subjectType: "project",
          subjectId: id,
          details: { title: p.title, step, from: p.status, to: rule.to, reason },
        });
      }
      // Supports gathered before a return still count when the project comes back.
      if (step === "submit") await reviewIfSupported(trx, id, p.communityId);
    });
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId: id });
}

/** Reports tell what happened: dated today at the latest (China time, where the work is done). */
function checkReportDate(report: UpdateInput) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  if (report.onDate > today)
    throw new DomainError(400, "project:errors.dateInFuture", {}, "onDate");
}

async function addUpdateRow(
  trx: Transaction<Database>,
  projectId: number,
  authorId: number | null,
  kind: "progress" | "final",
  input: UpdateInput,
) {
  await trx
    .insertInto("projectUpdates")
    .values({
      projectId,
      kind,
      authorId,
      body: input.body,
      spent: input.spent,
      onDate: input.onDate,
      createdAt: now(),
    })
    .execute();
  await trx
    .updateTable("projects")
    .set((eb) => ({ spentTotal: eb("spentTotal", "+", input.spent) }))
    .where("id", "=", projectId)
    .execute();
}

export async function addProgress(actor: Actor, id: number, input: UpdateInput): Promise<void> {
  const p = await visibleProject(actor, id);
  authorize(actor, "project.carryOut", projectTarget(p));
  if (p.status !== "inProgress") throw new DomainError(409, "project:errors.notInProgress");
  checkReportDate(input);
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await addUpdateRow(trx, id, actor.userId, "progress", input);
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "project.carryOut",
        areaId: p.communityId,
        subjectType: "project",
        subjectId: id,
        details: { title: p.title, step: "progress", spent: input.spent },
      });
    });
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId: id });
}

/**
 * A project this resident may support or stop supporting now. After a decision the count is part
 * of the record: it must not move behind the committee's back.
 */
async function supportableProject(actor: Actor, id: number): Promise<ProjectRow> {
  const p = await visibleProject(actor, id);
  authorize(actor, "project.support", { communityId: p.communityId });
  if (!isSupportable(p.status)) throw new DomainError(409, "project:errors.notSupportable");
  return p;
}

export async function support(actor: Actor, id: number): Promise<void> {
  const p = await supportableProject(actor, id);
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const inserted = await trx
        .insertInto("projectSupports")
        .values({ projectId: id, userId: actor.userId!, at: now(), assistedBy: assistedBy(actor) })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) {
        throw new DomainError(409, "project:errors.alreadySupported");
      }
      await noteAssisted(trx, actor, "project.support", { type: "project", id });
      await trx
        .updateTable("projects")
        .set((eb) => ({ supportCount: eb("supportCount", "+", 1) }))
        .where("id", "=", id)
        .execute();
      await reviewIfSupported(trx, id, p.communityId);
    });
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId: id });
}

export async function withdrawSupport(actor: Actor, id: number): Promise<void> {
  const p = await supportableProject(actor, id);
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const deleted = await trx
        .deleteFrom("projectSupports")
        .where("projectId", "=", id)
        .where("userId", "=", actor.userId!)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new DomainError(404, "project:errors.notSupported");
      await noteAssisted(trx, actor, "project.support", { type: "project", id });
      await trx
        .updateTable("projects")
        .set((eb) => ({ supportCount: eb("supportCount", "-", 1) }))
        .where("id", "=", id)
        .execute();
    });
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId: id });
}

export async function rate(actor: Actor, id: number, score: number): Promise<void> {
  const p = await visibleProject(actor, id);
  authorize(actor, "project.rate", { communityId: p.communityId });
  if (p.status !== "completed") throw new DomainError(409, "project:errors.notCompleted");
  if (!Number.isInteger(score) || score < 1 || score > 5) {
    throw new DomainError(400, "project:errors.badScore", {}, "score");
  }
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const inserted = await trx
        .insertInto("projectRatings")
        .values({ projectId: id, userId: actor.userId!, score, at: now() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) {
        throw new DomainError(409, "project:errors.alreadyRated");
      }
      await noteAssisted(trx, actor, "project.rate", { type: "project", id });
      await trx
        .updateTable("projects")
        .set((eb) => ({
          ratingCount: eb("ratingCount", "+", 1),
          ratingSum: eb("ratingSum", "+", score),
        }))
        .where("id", "=", id)
        .execute();
    });
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId: id });
}

export async function addComment(
  actor: Actor,
  projectId: number,
  body: string,
  parentId: number | null,
): Promise<number> {
  const p = await visibleProject(actor, projectId);
  authorize(actor, "project.comment", { communityId: p.communityId });
  if (!isPublicStatus(p.status)) throw new DomainError(409, "project:errors.notCommentable");
  const db = getDb();
  if (parentId !== null) {
    const parent = await db
      .selectFrom("projectComments")
      .select(["parentId"])
      .where("id", "=", parentId)
      .where("projectId", "=", projectId)
      .executeTakeFirst();
    // One level of replies: a reply answers a comment, never another reply.
    if (!parent || parent.parentId !== null) {
      throw new DomainError(400, "project:errors.badParent", {}, "body");
    }
  }
  const id = await db.transaction().execute(async (trx) => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const { n } = await trx
      .selectFrom("projectComments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("authorId", "=", actor.userId!)
      .where("createdAt", ">", since)
      .executeTakeFirstOrThrow();
    if (Number(n) >= COMMENTS_PER_MINUTE) {
      throw new DomainError(429, "project:errors.commentRate", {}, "body");
    }
    const { id } = await trx
      .insertInto("projectComments")
      .values({
        projectId,
        parentId,
        authorId: actor.userId,
        body,
        createdAt: now(),
        hiddenAt: null,
        hiddenBy: null,
        hiddenReason: null,
        reviewedAt: null,
        assistedBy: assistedBy(actor),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await noteAssisted(trx, actor, "project.comment", { type: "project", id: projectId });
    return id;
  });
  emitEvent({ type: "project.changed", communityId: p.communityId, projectId });
  return id;
}

async function commentWithProject(commentId: number) {
  const c = await getDb()
    .selectFrom("projectComments")
    .innerJoin("projects", "projects.id", "projectComments.projectId")
    .select([
      "projectComments.id",
      "projectComments.projectId",
      "projectComments.authorId",
      "projectComments.hiddenAt",
      "projectComments.reviewedAt",
      "projects.communityId",
      "projects.status",
    ])
    .where("projectComments.id", "=", commentId)
    .executeTakeFirst();
  if (!c || !isPublicStatus(c.status)) throw new DomainError(404, "project:errors.commentNotFound");
  return c;
}

export async function flagComment(actor: Actor, commentId: number, reason: string): Promise<void> {
  const c = await commentWithProject(commentId);
  authorize(actor, "project.flagComment", { communityId: c.communityId });
  if (c.authorId === actor.userId) throw new DomainError(409, "project:errors.flagOwn");
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const inserted = await trx
        .insertInto("commentFlags")
        .values({ commentId, userId: actor.userId!, reason, at: now() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) {
        throw new DomainError(409, "project:errors.alreadyFlagged");
      }
      await noteAssisted(trx, actor, "project.flagComment", { type: "project", id: c.projectId });
      const { flagCount } = await trx
        .updateTable("projectComments")
        .set((eb) => ({ flagCount: eb("flagCount", "+", 1) }))
        .where("id", "=", commentId)
        .returning("flagCount")
        .executeTakeFirstOrThrow();
      // Enough residents object: hidden until a committee member looks, unless one already has.
      if (flagCount >= FLAGS_TO_HIDE && c.reviewedAt === null && c.hiddenAt === null) {
        await trx
          .updateTable("projectComments")
          .set({ hiddenAt: now(), hiddenBy: null, hiddenReason: null })
          .where("id", "=", commentId)
          .execute();
      }
    });
  emitEvent({ type: "project.changed", communityId: c.communityId, projectId: c.projectId });
}

/** Committee moderation: hide with a reason, or restore (which also marks the flags reviewed). */
export async function moderateComment(
  actor: Actor,
  commentId: number,
  change: { hide: true; reason: string } | { hide: false },
): Promise<void> {
  const c = await commentWithProject(commentId);
  authorize(actor, "project.moderate", { communityId: c.communityId });
  if (change.hide && c.hiddenAt !== null)
    throw new DomainError(409, "project:errors.alreadyHidden");
  if (!change.hide && c.hiddenAt === null) throw new DomainError(409, "project:errors.notHidden");
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable("projectComments")
        .set(
          change.hide
            ? {
                hiddenAt: now(),
                hiddenBy: actor.userId,
                hiddenReason: change.reason,
                reviewedAt: now(),
              }
            : { hiddenAt: null, hiddenBy: null, hiddenReason: null, reviewedAt: now() },
        )
        .where("id", "=", commentId)
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "project.moderate",
        areaId: c.communityId,
        subjectType: "projectComment",
        subjectId: commentId,
        details: change.hide ? { change: "hidden", reason: change.reason } : { change: "restored" },
      });
    });
  emitEvent({ type: "project.changed", communityId: c.communityId, projectId: c.projectId });
}

export async function supportThreshold(communityId: number): Promise<number | null> {
  const row = await getDb()
    .selectFrom("communitySettings")
    .select("supportThreshold")
    .where("communityId", "=", communityId)
    .executeTakeFirst();
  return row?.supportThreshold ?? null;
}

/** Sets (or clears) the threshold; projects that already have enough supports go under review. */
export async function setSupportThreshold(
  actor: Actor,
  communityId: number,
  threshold: number | null,
): Promise<void> {
  authorize(actor, "community.settings", { communityId });
  if (threshold !== null && (!Number.isInteger(threshold) || threshold < 1 || threshold > 10_000)) {
    throw new DomainError(400, "project:errors.badThreshold", {}, "threshold");
  }
  const moved = await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("communitySettings")
        .values({ communityId, supportThreshold: threshold, updatedAt: now() })
        .onConflict((oc) =>
          oc.column("communityId").doUpdateSet({ supportThreshold: threshold, updatedAt: now() }),
        )
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "community.settings",
        areaId: communityId,
        subjectType: "community",
        subjectId: communityId,
        details: { supportThreshold: threshold },
      });
      if (threshold === null) return [];
      const ready = await trx
        .selectFrom("projects")
        .select("id")
        .where("communityId", "=", communityId)
        .where("status", "=", "submitted")
        .where("supportCount", ">=", threshold)
        .execute();
      for (const r of ready) await reviewIfSupported(trx, r.id, communityId);
      return ready.map((r) => r.id);
    });
  for (const projectId of moved) emitEvent({ type: "project.changed", communityId, projectId });
}

export type ProjectSort = "newest" | "supported" | "relevance";

export interface ProjectFilters {
  q?: string;
  communityId?: number;
  category?: ServiceArea;
  status?: ProjectStatus;
  organisationId?: number;
  sort?: ProjectSort;
  page?: number;
}

export interface ProjectCard {
  id: number;
  title: string;
  summary: string;
  status: ProjectStatus;
  category: ServiceArea;
  budgetTotal: number;
  supportCount: number;
  communityId: number;
  communityZh: string;
  communityEn: string;
  organisationName: string | null;
  updatedAt: string;
}

/** The public list: drafts never appear, whoever asks. */
export async function listProjects(
  filters: ProjectFilters,
): Promise<{ items: ProjectCard[]; total: number; searched: boolean }> {
  const db = getDb();
  const expression = filters.q ? matchExpression(filters.q) : null;
  if (filters.q && !expression) return { items: [], total: 0, searched: true };
  let q = db
    .selectFrom("projects")
    .innerJoin("areas", "areas.id", "projects.communityId")
    .leftJoin("organisations", "organisations.id", "projects.organisationId")
    .where("projects.status", "!=", "draft");
  if (expression) q = q.where("projects.id", "in", matchingIds("project", expression));
  if (filters.communityId) q = q.where("projects.communityId", "=", filters.communityId);
  if (filters.category) q = q.where("projects.category", "=", filters.category);
  if (filters.status) q = q.where("projects.status", "=", filters.status);
  if (filters.organisationId) q = q.where("projects.organisationId", "=", filters.organisationId);
  const page = Math.max(1, filters.page ?? 1);
  let rows = q.select([
    "projects.id",
    "projects.title",
    "projects.summary",
    "projects.status",
    "projects.category",
    "projects.budgetTotal",
    "projects.supportCount",
    "projects.communityId",
    "areas.nameZh as communityZh",
    "areas.nameEn as communityEn",
    "organisations.name as organisationName",
    "projects.updatedAt",
  ]);
  const sort = filters.sort ?? (expression ? "relevance" : "newest");
  if (sort === "supported") rows = rows.orderBy("projects.supportCount", "desc");
  if (sort === "relevance" && expression) {
    rows = rows.orderBy(rankExpression("project", expression, "projects.id"));
  }
  const [{ total }, items] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
    rows
      .orderBy("projects.createdAt", "desc")
      .orderBy("projects.id", "desc")
      .limit(PROJECTS_PAGE)
      .offset((page - 1) * PROJECTS_PAGE)
      .execute(),
  ]);
  return { items, total: Number(total), searched: expression !== null };
}

/** Projects waiting for this committee: submitted or under review, oldest first. */
export async function reviewQueue(actor: Actor, communityId: number) {
  authorize(actor, "project.review", { communityId });
  return getDb()
    .selectFrom("projects")
    .select(["id", "title", "status", "supportCount", "submittedAt"])
    .where("communityId", "=", communityId)
    .where("status", "in", ["submitted", "underReview"])
    .orderBy("submittedAt")
    .execute();
}

/** A person's own drafts and projects (also those of their organisations). */
export async function myProjects(actor: Actor) {
  if (actor.userId === null) return [];
  const userId = actor.userId;
  const orgs = [...actor.orgMemberOf];
  return getDb()
    .selectFrom("projects")
    .select(["id", "title", "status", "updatedAt"])
    .where((eb) =>
      orgs.length > 0
        ? eb.or([eb("proposerId", "=", userId), eb("organisationId", "in", orgs)])
        : eb("proposerId", "=", userId),
    )
    .orderBy("updatedAt", "desc")
    .limit(50)
    .execute();
}

export interface CommentView {
  id: number;
  parentId: number | null;
  authorName: string | null;
  authorId: number | null;
  body: string | null;
  createdAt: string;
  hidden: boolean;
  hiddenReason: string | null;
  hiddenByFlags: boolean;
  flagCount: number;
  flaggedByMe: boolean;
  /** Written by a committee member for the author at the service window. */
  assisted: boolean;
}

export async function projectPage(actor: Actor, id: number) {
  const p = await visibleProject(actor, id).catch((e: unknown) => {
    if (e instanceof DomainError && e.status === 404) return null;
    throw e;
  });
  if (!p) return null;
  const db = getDb();
  const target = projectTarget(p);
  const canModerate = can(actor, "project.moderate", { communityId: p.communityId });
  const [project, items, events, updates, comments, mine, myFlags, assistedSupports] =
    await Promise.all([
      db
        .selectFrom("projects")
        .innerJoin("areas as c", "c.id", "projects.communityId")
        .leftJoin("areas as g", "g.id", "projects.gridId")
        .leftJoin("organisations", "organisations.id", "projects.organisationId")
        .leftJoin("users", "users.id", "projects.proposerId")
        .selectAll("projects")
        .select([
          "c.nameZh as communityZh",
          "c.nameEn as communityEn",
          "g.nameZh as gridZh",
          "g.nameEn as gridEn",
          "organisations.name as organisationName",
          "users.displayName as proposerName",
        ])
        .where("projects.id", "=", id)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom("projectBudgetItems")
        .select(["label", "amount"])
        .where("projectId", "=", id)
        .orderBy("position")
        .execute(),
      db
        .selectFrom("projectEvents")
        .leftJoin("users", "users.id", "projectEvents.actorId")
        .select([
          "projectEvents.id",
          "projectEvents.step",
          "projectEvents.fromStatus",
          "projectEvents.toStatus",
          "projectEvents.reason",
          "projectEvents.at",
          "projectEvents.assistedBy",
          "users.displayName as actorName",
        ])
        .where("projectId", "=", id)
        .orderBy("projectEvents.id")
        .execute(),
      db
        .selectFrom("projectUpdates")
        .leftJoin("users", "users.id", "projectUpdates.authorId")
        .select([
          "projectUpdates.id",
          "projectUpdates.kind",
          "projectUpdates.body",
          "projectUpdates.spent",
          "projectUpdates.onDate",
          "users.displayName as authorName",
        ])
        .where("projectId", "=", id)
        .orderBy("projectUpdates.onDate")
        .orderBy("projectUpdates.id")
        .execute(),
      db
        .selectFrom("projectComments")
        .leftJoin("users", "users.id", "projectComments.authorId")
        .select([
          "projectComments.id",
          "projectComments.parentId",
          "projectComments.authorId",
          "users.displayName as authorName",
          "projectComments.body",
          "projectComments.createdAt",
          "projectComments.hiddenAt",
          "projectComments.hiddenBy",
          "projectComments.hiddenReason",
          "projectComments.flagCount",
          "projectComments.assistedBy",
        ])
        .where("projectId", "=", id)
        .orderBy("projectComments.id")
        .execute(),
      actor.userId === null
        ? Promise.resolve({ supported: false, rated: null as number | null })
        : Promise.all([
            db
              .selectFrom("projectSupports")
              .select("userId")
              .where("projectId", "=", id)
              .where("userId", "=", actor.userId)
              .executeTakeFirst(),
            db
              .selectFrom("projectRatings")
              .select("score")
              .where("projectId", "=", id)
              .where("userId", "=", actor.userId)
              .executeTakeFirst(),
          ]).then(([s, r]) => ({ supported: s !== undefined, rated: r?.score ?? null })),
      actor.userId === null
        ? Promise.resolve([] as Array<{ commentId: number }>)
        : db
            .selectFrom("commentFlags")
            .innerJoin("projectComments", "projectComments.id", "commentFlags.commentId")
            .select("commentFlags.commentId")
            .where("projectComments.projectId", "=", id)
            .where("commentFlags.userId", "=", actor.userId)
            .execute(),
      db
        .selectFrom("projectSupports")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("projectId", "=", id)
        .where("assistedBy", "is not", null)
        .executeTakeFirstOrThrow(),
    ]);
  const flagged = new Set(myFlags.map((f) => f.commentId));
  const commentViews: CommentView[] = comments.map((c) => {
    const hidden = c.hiddenAt !== null;
    // Hidden words stay readable to the committee that must review them, and to their author.
    const showBody =
      !hidden || canModerate || (actor.userId !== null && c.authorId === actor.userId);
    return {
      id: c.id,
      parentId: c.parentId,
      authorId: c.authorId,
      // A deleted account keeps its row with an empty name.
      authorName: c.authorName || null,
      body: showBody ? c.body : null,
      createdAt: c.createdAt,
      hidden,
      hiddenReason: c.hiddenReason,
      hiddenByFlags: hidden && c.hiddenBy === null,
      flagCount: canModerate ? c.flagCount : 0,
      flaggedByMe: flagged.has(c.id),
      assisted: c.assistedBy !== null,
    };
  });
  const isResident = can(actor, "project.support", { communityId: p.communityId });
  const { photo, ratingSum, ratingCount, ...rest } = project;
  return {
    project: {
      ...rest,
      proposerName: rest.proposerName || null,
      hasPhoto: photo !== null,
      ratingCount,
      averageRating: averageRating(ratingSum, ratingCount),
      assistedSupports: Number(assistedSupports.n),
    },
    items,
    events: events.map(({ assistedBy, ...e }) => ({
      ...e,
      actorName: e.actorName || null,
      assisted: assistedBy !== null,
    })),
    updates: updates.map((u) => ({ ...u, authorName: u.authorName || null })),
    comments: commentViews,
    viewer: {
      userId: actor.userId,
      signedIn: actor.userId !== null,
      supported: mine.supported,
      rated: mine.rated,
      steps: availableSteps(actor, p),
      canEdit: isEditable(p.status) && can(actor, "project.edit", target),
      canSupport: isResident && isSupportable(p.status),
      canRate: isResident && p.status === "completed" && mine.rated === null,
      canComment: can(actor, "project.comment", { communityId: p.communityId }),
      canReport: p.status === "inProgress" && can(actor, "project.carryOut", target),
      canModerate,
    },
  };
}

/** The stored photo's file name, for the photo route; drafts stay private like the page. */
export async function projectPhoto(actor: Actor, id: number): Promise<string | null> {
  const p = await visibleProject(actor, id).catch(() => null);
  if (!p) return null;
  const row = await getDb()
    .selectFrom("projects")
    .select("photo")
    .where("id", "=", id)
    .executeTakeFirst();
  return row?.photo ?? null;
}
