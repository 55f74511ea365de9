/**
 * Micro-projects (微实事), the writes: proposing and editing, the lifecycle steps, supports,
 * progress reports, ratings, comments and their moderation, and the community's support threshold.
 * Each is a command (see `../runner/command.server.ts`); every step writes the project's history,
 * and the runner writes the audit entry for the audited ones.
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { can, type Actor } from "~/domain/permissions/policy";
import {
  checkStep,
  FLAGS_TO_HIDE,
  isEditable,
  isPublicStatus,
  isSupportable,
  projectTarget,
  STEP_NAMES,
  STEPS,
  type ProjectStatus,
  type Step,
} from "~/domain/projects/rules";
import {
  commentSchema,
  moderationSchema,
  projectEditSchema,
  projectSchema,
  ratingSchema,
  reasonSchema,
  thresholdSchema,
  updateSchema,
  type ProjectInput,
  type UpdateInput,
} from "~/domain/projects/schemas";
import { chinaToday } from "~/domain/time";
import { formChoice, formId, id } from "~/domain/validation";
import { assistedBy } from "../assistance/actor";
import { deletePhoto, storePhoto } from "../photos.server";
import { reindex } from "../search.server";
import { command, type Db, type Trx } from "../runner/command.server";

/** Comments a person may post per minute on projects: enough to talk, too few to flood. */
export const COMMENTS_PER_MINUTE = 5;

export async function loadProject(db: Db, projectId: number) {
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
      "photo",
    ])
    .where("id", "=", projectId)
    .executeTakeFirst();
  if (!p) throw new DomainError(404, "project:errors.notFound");
  return p;
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

const loadVisible = ({ trx, actor, input }: { trx: Trx; actor: Actor; input: { id: number } }) =>
  visibleProject(trx, actor, input.id);

const about = (p: { id: number }) => ({ type: "project", id: p.id });

async function record(
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
async function checkGrid(trx: Trx, gridId: number | null, communityId: number): Promise<void> {
  if (gridId === null) return;
  const grid = await trx
    .selectFrom("areas")
    .select("id")
    .where("id", "=", gridId)
    .where("parentId", "=", communityId)
    .where("level", "=", "grid")
    .executeTakeFirst();
  if (!grid) throw new DomainError(400, "project:errors.badGrid", {}, "gridId");
}

async function writeItems(trx: Trx, projectId: number, input: Pick<ProjectInput, "items">) {
  await trx.deleteFrom("projectBudgetItems").where("projectId", "=", projectId).execute();
  await trx
    .insertInto("projectBudgetItems")
    .values(input.items.map((item, position) => ({ projectId, position, ...item })))
    .execute();
}

/** A photo as the multipart adapter hands it over: bytes, or nothing. */
const photoField = z.object({
  photo: z
    .custom<Uint8Array | null>((v) => v === null || v instanceof Uint8Array)
    .optional()
    .transform((v) => v ?? null),
});

/** Stores a new photo before the transaction (re-encoding is slow), removed again if it fails. */
const photoStep = {
  prepare: (input: { photo: Uint8Array | null }) =>
    input.photo ? storePhoto(input.photo) : Promise.resolve(null),
  discard: (name: string | null) => deletePhoto(name),
};

export const proposeProject = command({
  action: "project.propose",
  input: projectSchema.and(photoField),
  ...photoStep,
  load: async ({ trx, input }) => {
    // Who proposes, for whom, where: a resident of the community, or a member for a serving
    // organisation (being a resident is not enough to propose in an organisation's name).
    const community = await trx
      .selectFrom("areas")
      .select(["id", "level"])
      .where("id", "=", input.communityId)
      .executeTakeFirst();
    if (!community || community.level !== "community") {
      throw new DomainError(400, "project:errors.badCommunity", {}, "communityId");
    }
    await checkGrid(trx, input.gridId, input.communityId);
  },
  target: (_l, input) =>
    input.organisationId === null
      ? { communityId: input.communityId }
      : { organisationId: input.organisationId },
  run: async ({ trx, actor, input, at, prepared, emit }) => {
    if (input.organisationId !== null) {
      const org = await trx
        .selectFrom("organisations")
        .select("status")
        .where("id", "=", input.organisationId)
        .executeTakeFirst();
      if (!org || org.status !== "verified") {
        throw new DomainError(409, "project:errors.organisationNotVerified", {}, "organisationId");
      }
      const serves = await trx
        .selectFrom("organisationCommunities")
        .select("communityId")
        .where("organisationId", "=", input.organisationId)
        .where("communityId", "=", input.communityId)
        .executeTakeFirst();
      if (!serves)
        throw new DomainError(400, "project:errors.organisationDoesNotServe", {}, "communityId");
    }
    const { id: projectId } = await trx
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
        photo: prepared,
        createdAt: at,
        updatedAt: at,
        submittedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeItems(trx, projectId, input);
    await record(trx, at, projectId, "create", null, "draft", actor);
    await reindex(trx, "project", projectId, searchTexts(input));
    emit({ type: "project.changed", communityId: input.communityId, projectId });
    return projectId;
  },
  subject: (_ctx, projectId) => ({ type: "project", id: projectId }),
});

/** Edits the text and budget; the community and organisation stay as proposed. */
export const editProject = command({
  action: "project.edit",
  input: projectEditSchema.and(photoField).and(
    z.object({
      id,
      // A checkbox: "yes" from the form, or a plain boolean from a server caller.
      removePhoto: z
        .union([z.boolean(), z.literal("yes")])
        .optional()
        .transform((v) => v === true || v === "yes"),
    }),
  ),
  ...photoStep,
  load: loadVisible,
  target: projectTarget,
  run: async ({ trx, actor, input, loaded: p, at, prepared, emit, afterCommit }) => {
    if (!isEditable(p.status)) throw new DomainError(409, "project:errors.notEditable");
    await checkGrid(trx, input.gridId, p.communityId);
    const photo = prepared ?? (input.removePhoto ? null : p.photo);
    await trx
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
        updatedAt: at,
        photo,
      })
      .where("id", "=", p.id)
      .where("status", "=", p.status)
      .execute();
    await writeItems(trx, p.id, input);
    await record(trx, at, p.id, "edit", p.status, p.status, actor);
    await reindex(trx, "project", p.id, searchTexts(input));
    if (photo !== p.photo) afterCommit(() => deletePhoto(p.photo));
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
  },
  subject: ({ loaded }) => about(loaded),
});

/** Moves a submitted project under review once it has as many supports as the community asks. */
async function reviewIfSupported(trx: Trx, at: string, projectId: number, communityId: number) {
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

/** Reports tell what happened: dated today at the latest (China time, where the work is done). */
function checkReportDate(report: UpdateInput, now: Date) {
  if (report.onDate > chinaToday(now))
    throw new DomainError(400, "project:errors.dateInFuture", {}, "onDate");
}

async function addUpdateRow(
  trx: Trx,
  at: string,
  projectId: number,
  authorId: number,
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
      createdAt: at,
    })
    .execute();
  await trx
    .updateTable("projects")
    .set((eb) => ({ spentTotal: eb("spentTotal", "+", input.spent) }))
    .where("id", "=", projectId)
    .execute();
}

/** A lifecycle step: its reason or final report, as the step asks, parsed from the same form. */
const stepInput = z
  .object({
    id,
    step: formChoice(STEP_NAMES as [Step, ...Step[]]),
  })
  .passthrough()
  .transform((v, ctx) => {
    const rule = STEPS[v.step];
    const schema = rule.needsReason ? reasonSchema : v.step === "complete" ? updateSchema : null;
    if (!schema) return { id: v.id, step: v.step };
    const parsed = schema.safeParse(v);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue(issue);
      return z.NEVER;
    }
    return { id: v.id, step: v.step, ...parsed.data } as {
      id: number;
      step: Step;
      reason?: string;
      body?: string;
      spent?: number;
      onDate?: string;
    };
  });

export const takeStep = command({
  action: [
    "project.submit",
    "project.review",
    "project.select",
    "project.carryOut",
    "project.abandon",
  ],
  actionFor: (input) => STEPS[input.step].action as "project.submit",
  input: stepInput,
  load: loadVisible,
  target: projectTarget,
  run: async ({ trx, actor, input, loaded: p, at, now, emit }) => {
    const { step } = input;
    const rule = checkStep(actor, p, step);
    const reason = input.reason?.trim() || null;
    if (rule.needsReason && !reason) {
      throw new DomainError(400, "project:errors.reasonRequired", {}, "reason");
    }
    let report: UpdateInput | null = null;
    if (step === "complete") {
      if (!input.body || input.spent === undefined || !input.onDate) {
        throw new DomainError(400, "project:errors.reportRequired", {}, "body");
      }
      report = { body: input.body, spent: input.spent, onDate: input.onDate };
      checkReportDate(report, now);
    }
    await trx
      .updateTable("projects")
      .set({
        status: rule.to,
        updatedAt: at,
        ...(rule.needsReason ? { statusReason: reason } : {}),
        ...(step === "submit" ? { submittedAt: at, statusReason: null } : {}),
      })
      .where("id", "=", p.id)
      // Engines that let two transactions read the same row must still give one step, not two.
      .where("status", "=", p.status)
      .executeTakeFirst()
      .then((r) => {
        if (r.numUpdatedRows === 0n) {
          throw new DomainError(409, "project:errors.stepNotAllowed", { step, status: p.status });
        }
      });
    if (report) await addUpdateRow(trx, at, p.id, actor.userId, "final", report);
    await record(trx, at, p.id, step, p.status, rule.to, actor, reason);
    // Supports gathered before a return still count when the project comes back.
    if (step === "submit") await reviewIfSupported(trx, at, p.id, p.communityId);
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
    return { from: p.status, to: rule.to, reason };
  },
  audit: ({ loaded: p, input }, r) => ({
    areaId: p.communityId,
    subjectType: "project",
    subjectId: p.id,
    details: { title: p.title, step: input.step, from: r.from, to: r.to, reason: r.reason },
  }),
  // Only the proposer's own steps (submitting) pass the policy in a sitting.
  subject: ({ loaded }) => about(loaded),
});

export const addProgress = command({
  action: "project.carryOut",
  input: updateSchema.and(z.object({ id })),
  load: loadVisible,
  target: projectTarget,
  run: async ({ trx, actor, input, loaded: p, at, now, emit }) => {
    if (p.status !== "inProgress") throw new DomainError(409, "project:errors.notInProgress");
    checkReportDate(input, now);
    await addUpdateRow(trx, at, p.id, actor.userId, "progress", input);
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
  },
  audit: ({ loaded: p, input }) => ({
    areaId: p.communityId,
    subjectType: "project",
    subjectId: p.id,
    details: { title: p.title, step: "progress", spent: input.spent },
  }),
});

/**
 * Supporting, and taking a support back. The status is read inside the transaction that counts
 * the support: after a decision the count is part of the record and must not move behind the
 * committee's back, whichever of the two commits first.
 */
const supportCommand = (add: boolean) =>
  command({
    action: "project.support",
    input: z.object({ id }),
    load: loadVisible,
    target: (p) => ({ communityId: p.communityId }),
    run: async ({ trx, actor, loaded: p, at, emit }) => {
      if (!isSupportable(p.status)) throw new DomainError(409, "project:errors.notSupportable");
      if (add) {
        const inserted = await trx
          .insertInto("projectSupports")
          .values({ projectId: p.id, userId: actor.userId, at, assistedBy: assistedBy(actor) })
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows === 0n) {
          throw new DomainError(409, "project:errors.alreadySupported");
        }
      } else {
        const deleted = await trx
          .deleteFrom("projectSupports")
          .where("projectId", "=", p.id)
          .where("userId", "=", actor.userId)
          .executeTakeFirst();
        if (deleted.numDeletedRows === 0n) {
          throw new DomainError(404, "project:errors.notSupported");
        }
      }
      await trx
        .updateTable("projects")
        .set((eb) => ({ supportCount: eb("supportCount", add ? "+" : "-", 1) }))
        .where("id", "=", p.id)
        .execute();
      if (add) await reviewIfSupported(trx, at, p.id, p.communityId);
      emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
    },
    subject: ({ loaded }) => about(loaded),
  });
export const supportProject = supportCommand(true);
export const withdrawSupport = supportCommand(false);

export const rateProject = command({
  action: "project.rate",
  input: ratingSchema.and(z.object({ id })),
  load: loadVisible,
  target: (p) => ({ communityId: p.communityId }),
  run: async ({ trx, actor, input, loaded: p, at, emit }) => {
    if (p.status !== "completed") throw new DomainError(409, "project:errors.notCompleted");
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
      throw new DomainError(400, "project:errors.badScore", {}, "score");
    }
    const inserted = await trx
      .insertInto("projectRatings")
      .values({ projectId: p.id, userId: actor.userId, score: input.score, at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) {
      throw new DomainError(409, "project:errors.alreadyRated");
    }
    await trx
      .updateTable("projects")
      .set((eb) => ({
        ratingCount: eb("ratingCount", "+", 1),
        ratingSum: eb("ratingSum", "+", input.score),
      }))
      .where("id", "=", p.id)
      .execute();
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
  },
  subject: ({ loaded }) => about(loaded),
});

export const addComment = command({
  action: "project.comment",
  input: commentSchema.and(z.object({ id })),
  load: loadVisible,
  target: (p) => ({ communityId: p.communityId }),
  run: async ({ trx, actor, input, loaded: p, at, now, emit }) => {
    if (!isPublicStatus(p.status)) throw new DomainError(409, "project:errors.notCommentable");
    if (input.parentId !== null) {
      const parent = await trx
        .selectFrom("projectComments")
        .select(["parentId"])
        .where("id", "=", input.parentId)
        .where("projectId", "=", p.id)
        .executeTakeFirst();
      // One level of replies: a reply answers a comment, never another reply.
      if (!parent || parent.parentId !== null) {
        throw new DomainError(400, "project:errors.badParent", {}, "body");
      }
    }
    const since = new Date(now.getTime() - 60_000).toISOString();
    const { n } = await trx
      .selectFrom("projectComments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("authorId", "=", actor.userId)
      .where("createdAt", ">", since)
      .executeTakeFirstOrThrow();
    if (Number(n) >= COMMENTS_PER_MINUTE) {
      throw new DomainError(429, "project:errors.commentRate", {}, "body");
    }
    const { id: commentId } = await trx
      .insertInto("projectComments")
      .values({
        projectId: p.id,
        parentId: input.parentId,
        authorId: actor.userId,
        body: input.body,
        createdAt: at,
        hiddenAt: null,
        hiddenBy: null,
        hiddenReason: null,
        reviewedAt: null,
        assistedBy: assistedBy(actor),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    emit({ type: "project.changed", communityId: p.communityId, projectId: p.id });
    return commentId;
  },
  subject: ({ loaded }) => about(loaded),
});

async function commentWithProject(trx: Trx, commentId: number) {
  const c = await trx
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

const commentId = z.object({ commentId: formId });

export const flagComment = command({
  action: "project.flagComment",
  input: moderationSchema.and(commentId),
  load: ({ trx, input }) => commentWithProject(trx, input.commentId),
  target: (c) => ({ communityId: c.communityId }),
  run: async ({ trx, actor, input, loaded: c, at, emit }) => {
    if (c.authorId === actor.userId) throw new DomainError(409, "project:errors.flagOwn");
    const inserted = await trx
      .insertInto("commentFlags")
      .values({ commentId: c.id, userId: actor.userId, reason: input.reason, at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) {
      throw new DomainError(409, "project:errors.alreadyFlagged");
    }
    const { flagCount } = await trx
      .updateTable("projectComments")
      .set((eb) => ({ flagCount: eb("flagCount", "+", 1) }))
      .where("id", "=", c.id)
      .returning("flagCount")
      .executeTakeFirstOrThrow();
    // Enough residents object: hidden until a committee member looks, unless one already has.
    if (flagCount >= FLAGS_TO_HIDE && c.reviewedAt === null && c.hiddenAt === null) {
      await trx
        .updateTable("projectComments")
        .set({ hiddenAt: at, hiddenBy: null, hiddenReason: null })
        .where("id", "=", c.id)
        .execute();
    }
    emit({ type: "project.changed", communityId: c.communityId, projectId: c.projectId });
  },
  subject: ({ loaded }) => ({ type: "project", id: loaded.projectId }),
});

/** Committee moderation: hide with a reason, or restore (which also marks the flags reviewed). */
const moderateComment = (hide: boolean) =>
  command({
    action: "project.moderate",
    input: hide ? moderationSchema.and(commentId) : commentId,
    load: ({ trx, input }) => commentWithProject(trx, input.commentId),
    target: (c) => ({ communityId: c.communityId }),
    run: async ({ trx, actor, input, loaded: c, at, emit }) => {
      if (hide && c.hiddenAt !== null) throw new DomainError(409, "project:errors.alreadyHidden");
      if (!hide && c.hiddenAt === null) throw new DomainError(409, "project:errors.notHidden");
      const reason = "reason" in input ? input.reason : null;
      await trx
        .updateTable("projectComments")
        .set(
          hide
            ? { hiddenAt: at, hiddenBy: actor.userId, hiddenReason: reason, reviewedAt: at }
            : { hiddenAt: null, hiddenBy: null, hiddenReason: null, reviewedAt: at },
        )
        .where("id", "=", c.id)
        .execute();
      emit({ type: "project.changed", communityId: c.communityId, projectId: c.projectId });
      return reason;
    },
    audit: ({ loaded: c }, reason) => ({
      areaId: c.communityId,
      subjectType: "projectComment",
      subjectId: c.id,
      details: hide ? { change: "hidden", reason } : { change: "restored" },
    }),
  });
export const hideComment = moderateComment(true);
export const restoreComment = moderateComment(false);

/** Sets (or clears) the threshold; projects that already have enough supports go under review. */
export const setSupportThreshold = command({
  action: "community.settings",
  input: thresholdSchema.and(z.object({ communityId: id })),
  target: (_l, input) => ({ communityId: input.communityId }),
  run: async ({ trx, input: { communityId, threshold }, at, emit }) => {
    if (
      threshold !== null &&
      !(Number.isInteger(threshold) && threshold >= 1 && threshold <= 1e4)
    ) {
      throw new DomainError(400, "project:errors.badThreshold", {}, "threshold");
    }
    await trx
      .insertInto("communitySettings")
      .values({ communityId, supportThreshold: threshold, updatedAt: at })
      .onConflict((oc) =>
        oc.column("communityId").doUpdateSet({ supportThreshold: threshold, updatedAt: at }),
      )
      .execute();
    if (threshold === null) return;
    const ready = await trx
      .selectFrom("projects")
      .select("id")
      .where("communityId", "=", communityId)
      .where("status", "=", "submitted")
      .where("supportCount", ">=", threshold)
      .execute();
    for (const r of ready) {
      await reviewIfSupported(trx, at, r.id, communityId);
      emit({ type: "project.changed", communityId, projectId: r.id });
    }
  },
  audit: ({ input }) => ({
    areaId: input.communityId,
    subjectType: "community",
    subjectId: input.communityId,
    details: { supportThreshold: input.threshold },
  }),
});
