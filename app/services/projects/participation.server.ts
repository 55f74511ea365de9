/**
 * Micro-projects (微实事), residents' participation: supports, ratings, comments, and the moderation
 * of comments (reports by residents, hiding and restoring by the committee).
 */
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { FLAGS_TO_HIDE, isPublicStatus, isSupportable } from "~/domain/projects/rules";
import { commentSchema, moderationSchema, ratingSchema } from "~/domain/projects/schemas";
import { formId, id } from "~/domain/validation";
import { assistedBy } from "../assistance/actor";
import { countOf } from "../rows.server";
import { replyOf } from "~/domain/notices/kinds";
import type { DomainEvent } from "../events.server";
import { command, type Trx } from "../runner/command.server";

import { loadVisible, about, reviewIfSupported } from "./shared.server";

/** Comments a person may post per minute on projects: enough to talk, too few to flood. */
export const COMMENTS_PER_MINUTE = 5;

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
    run: async ({ trx, actor, loaded: p, at, emit, notify }) => {
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
      if (add) await reviewIfSupported(trx, at, p.id, p.communityId, notify);
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
  run: async ({ trx, actor, input, loaded: p, at, now, emit, notify }) => {
    if (!isPublicStatus(p.status)) throw new DomainError(409, "project:errors.notCommentable");
    let parentAuthor: number | null = null;
    if (input.parentId !== null) {
      const parent = await trx
        .selectFrom("projectComments")
        .select(["parentId", "authorId"])
        .where("id", "=", input.parentId)
        .where("projectId", "=", p.id)
        .executeTakeFirst();
      // One level of replies: a reply answers a comment, never another reply.
      if (!parent || parent.parentId !== null) {
        throw new DomainError(400, "project:errors.badParent", {}, "body");
      }
      parentAuthor = parent.authorId;
    }
    const since = new Date(now.getTime() - 60_000).toISOString();
    const recent = await countOf(
      trx
        .selectFrom("projectComments")
        .where("authorId", "=", actor.userId)
        .where("createdAt", ">", since),
    );
    if (recent >= COMMENTS_PER_MINUTE) {
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
    // To the comment's author (not to oneself: the delivery drops the actor). Only the project's
    // title: the reply's words stay on the page, where moderation can still hide them.
    if (parentAuthor !== null && parentAuthor !== actor.userId) {
      notify({
        kind: "comment.replied",
        subject: { type: "project", id: p.id },
        params: { title: p.title, commentId },
        recipients: { users: [parentAuthor] },
      });
    }
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
      "projectComments.parentId",
      "projects.communityId",
      "projects.status",
    ])
    .where("projectComments.id", "=", commentId)
    .executeTakeFirst();
  if (!c || !isPublicStatus(c.status)) throw new DomainError(404, "project:errors.commentNotFound");
  return c;
}

const commentId = z.object({ commentId: formId });

/**
 * A reply that is hidden is not announced: the notice that told the comment's author of it goes
 * (one not delivered yet is dropped by the delivery). Restoring the reply does not tell again.
 */
async function withdrawReplyNotice(
  trx: Trx,
  c: { id: number; projectId: number; parentId: number | null },
  emit: (e: DomainEvent) => void,
) {
  if (c.parentId === null) return;
  const parent = await trx
    .selectFrom("projectComments")
    .select("authorId")
    .where("id", "=", c.parentId)
    .executeTakeFirst();
  if (!parent?.authorId) return;
  // The author's own notices (their index), of replies on this project: few.
  const notices = await trx
    .selectFrom("notices")
    .select(["id", "params"])
    .where("userId", "=", parent.authorId)
    .where("kind", "=", "comment.replied")
    .where("subjectId", "=", c.projectId)
    .execute();
  const withdrawn = notices.filter((n) => replyOf(n.params) === c.id).map((n) => n.id);
  if (withdrawn.length === 0) return;
  await trx.deleteFrom("notices").where("id", "in", withdrawn).execute();
  // Their count and list follow, as when they mark one read.
  emit({ type: "notice.read", userId: parent.authorId });
}

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
      await withdrawReplyNotice(trx, c, emit);
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
      if (hide) await withdrawReplyNotice(trx, c, emit);
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
